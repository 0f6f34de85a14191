package dev.genbench.evaluate;

import dev.genbench.metrics.BinaryMetric;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.MetricValue;
import dev.genbench.metrics.NextPeriodAuroc;
import java.util.ArrayList;
import java.util.List;

/**
 * The metrics of every evaluated window of one experiment, and its headline.
 *
 * @param windows     window 0 first, contiguous
 * @param windowCount W, from the windows timeline
 * @param headline    mean next-period AUROC over windows 0..W-2, and window W-1 apart (SPEC §8.4)
 */
public record ExperimentEvaluation(String name, List<WindowEvaluation> windows, int windowCount,
                                   NextPeriodAuroc headline, EvaluationOptions options) {

    public ExperimentEvaluation {
        windows = List.copyOf(windows);
    }

    /** One metric of one mechanism, window by window: the evaluation script's timeline. */
    public List<MetricValue> timeline(Mechanism mechanism, BinaryMetric metric) {
        var out = new ArrayList<MetricValue>();
        for (WindowEvaluation w : windows) {
            out.add(w.mechanism(mechanism).get(metric));
        }
        return out;
    }
}
