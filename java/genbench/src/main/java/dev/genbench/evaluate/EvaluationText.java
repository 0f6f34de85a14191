package dev.genbench.evaluate;

import dev.genbench.metrics.BinaryMetric;
import dev.genbench.metrics.BinaryMetrics;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.MetricValue;
import java.util.List;
import java.util.Locale;

/**
 * A plain-text table of one experiment's evaluation for a terminal: one row per window for the chosen
 * mechanism, then the headline. Columns follow the evaluation script's printout (accuracy, balanced
 * accuracy, precision, recall, F1, TNR, AP, ROC AUC) plus the image counts.
 */
public final class EvaluationText {
    private EvaluationText() {}

    public static String render(ExperimentEvaluation e, Mechanism mechanism) {
        var sb = new StringBuilder();
        sb.append(e.name()).append(" — ").append(mechanism.key()).append(" subset, ").append(e.options().stage().key())
                .append(" predictions, threshold ").append(String.format(Locale.ROOT, "%.3f", e.options().threshold()))
                .append(e.options().usePairing() ? ", paired reals" : ", every real").append('\n');
        String header = String.format(Locale.ROOT, "%6s %8s %8s %9s %8s %8s %8s %8s %8s %8s %7s %7s",
                "window", "ROC AUC", "AP", "accuracy", "bal.acc", "prec.", "recall", "F1", "TNR", "best thr", "fakes", "reals");
        sb.append(header).append('\n');
        for (WindowEvaluation w : e.windows()) {
            BinaryMetrics m = w.mechanism(mechanism);
            sb.append(String.format(Locale.ROOT, "%6d %8s %8s %9s %8s %8s %8s %8s %8s %8s %7d %7d", w.window(),
                    v(m.get(BinaryMetric.AUROC)), v(m.get(BinaryMetric.AVERAGE_PRECISION)),
                    m.reals() + m.fakes() == 0 ? "-" : String.format(Locale.ROOT, "%.4f", m.counts().accuracy()),
                    v(m.get(BinaryMetric.BALANCED_ACCURACY)), v(m.get(BinaryMetric.PRECISION)), v(m.get(BinaryMetric.RECALL)),
                    v(m.get(BinaryMetric.F1)), v(m.get(BinaryMetric.SPECIFICITY)), v(m.get(BinaryMetric.BEST_THRESHOLD_F1)),
                    m.fakes(), m.reals())).append('\n');
        }
        List<String> reasons = e.windows().stream()
                .map(w -> w.mechanism(mechanism).get(BinaryMetric.AUROC))
                .filter(x -> x instanceof MetricValue.NotDefined).map(Object::toString).distinct().toList();
        for (String r : reasons) {
            sb.append("  - ROC AUC ").append(r).append('\n');
        }
        var h = e.headline();
        sb.append("next-period AUROC (mean over windows 0..").append(h.windowsAveraged() - 1).append("): ")
                .append(h.mean().isDefined() ? String.format(Locale.ROOT, "%.4f", h.mean().value()) : h.mean().toString())
                .append('\n');
        sb.append("last window (").append(e.windowCount() - 1).append(", scored on its own generators): ")
                .append(h.lastWindow().isDefined() ? String.format(Locale.ROOT, "%.4f", h.lastWindow().value())
                        : h.lastWindow().toString()).append('\n');
        return sb.toString();
    }

    private static String v(MetricValue m) {
        return m.isDefined() ? String.format(Locale.ROOT, "%.4f", m.value()) : "-";
    }
}
