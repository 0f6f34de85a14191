package dev.genbench.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The named metric values of one epoch, as the original's metric managers log them (SPEC §8.3), and the
 * fuller per-generator tables that reports show. Pure functions of the evaluated images.
 *
 * <p>Maps keep insertion order and are unmodifiable. Values that are not defined stay in the map with
 * their reason; a logger that cannot show them skips them, as the original skips failed computations.
 */
public final class EpochMetrics {
    private EpochMetrics() {}

    /** The metrics logged at the end of a training epoch: all but the best threshold, on every image. */
    public static final List<BinaryMetric> FIT_EPOCH = List.of(BinaryMetric.BALANCED_ACCURACY, BinaryMetric.RECALL,
            BinaryMetric.PRECISION, BinaryMetric.SPECIFICITY, BinaryMetric.AVERAGE_PRECISION, BinaryMetric.AUROC,
            BinaryMetric.F1);

    /** The metrics logged at the end of validation and testing, on every image and per mechanism. */
    public static final List<BinaryMetric> EVALUATION_EPOCH = List.of(BinaryMetric.BALANCED_ACCURACY,
            BinaryMetric.RECALL, BinaryMetric.PRECISION, BinaryMetric.SPECIFICITY, BinaryMetric.AVERAGE_PRECISION,
            BinaryMetric.AUROC, BinaryMetric.F1, BinaryMetric.BEST_THRESHOLD_F1);

    /**
     * {@code fit_BalancedBinaryAccuracy_step/all} on one training batch. Called every step, so it counts
     * decisions only instead of computing every metric.
     */
    public static Map<String, MetricValue> fitStep(float[] scores, boolean[] fake, double threshold) {
        if (scores.length != fake.length) {
            throw new IllegalArgumentException(
                    "scores and labels differ in length: " + scores.length + " vs " + fake.length);
        }
        float t = (float) threshold;
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean predictedFake = scores[i] > t;
            if (fake[i]) {
                if (predictedFake) tp++; else fn++;
            } else {
                if (predictedFake) fp++; else tn++;
            }
        }
        MetricValue value = scores.length == 0 ? MetricValue.notDefined("no images")
                : MetricValue.of(new ConfusionCounts(tp, fp, tn, fn).balancedAccuracy());
        return Map.of(MetricNames.step(Stage.FIT, BinaryMetric.BALANCED_ACCURACY, MetricNames.ALL), value);
    }

    /** {@code fit_<Metric>_epoch/all} for the seven training-epoch metrics. */
    public static Map<String, MetricValue> fitEpoch(BinaryMetrics all) {
        var out = new LinkedHashMap<String, MetricValue>();
        for (BinaryMetric m : FIT_EPOCH) {
            out.put(MetricNames.epoch(Stage.FIT, m, MetricNames.ALL), all.get(m));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * What the plain manager logs at the end of validation or testing: the eight metrics on every image,
     * then the recall of each fake generator (its fakes against its paired reals). For generator 0
     * the original logs a recall that is always 0; this logs the reals' specificity instead
     * ({@code <stage>_BinarySpecificity_epoch/real}), as SPEC §12 item 12 recommends.
     *
     * @param generatorIdToName the names by generator id, id 0 being the real class ("")
     */
    public static Map<String, MetricValue> evaluationEpoch(Stage stage, EvaluatedImages images,
                                                           List<String> generatorIdToName, double threshold) {
        var out = new LinkedHashMap<String, MetricValue>();
        BinaryMetrics all = Subset.all().select(images).metrics(threshold);
        for (BinaryMetric m : EVALUATION_EPOCH) {
            out.put(MetricNames.epoch(stage, m, MetricNames.ALL), all.get(m));
        }
        Map<Integer, BinaryMetrics> perGenerator = perGenerator(images, generatorIdToName.size(), threshold);
        for (int g = 0; g < generatorIdToName.size(); g++) {
            String subset = MetricNames.subsetName(generatorIdToName.get(g));
            BinaryMetric shown = g == 0 ? BinaryMetric.SPECIFICITY : BinaryMetric.RECALL;
            out.put(MetricNames.epoch(stage, shown, subset), perGenerator.get(g).get(shown));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * What a sliding-window manager logs: the eight metrics on the mechanism's subset for the model of
     * window {@code window}. An empty subset (the past mechanism in window 0, or generators that were
     * not evaluated) leaves every value not defined, with the reason.
     */
    public static Map<String, MetricValue> slidingEpoch(Mechanism mechanism, Stage stage, EvaluatedImages images,
                                                        WindowsOrder order, int window, double threshold) {
        BinaryMetrics metrics = mechanismMetrics(mechanism, images, order, window, threshold);
        var out = new LinkedHashMap<String, MetricValue>();
        for (BinaryMetric m : EVALUATION_EPOCH) {
            out.put(MetricNames.mechanism(mechanism, stage, m), metrics.get(m));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The metrics on a mechanism's subset for the model of window {@code window}. */
    public static BinaryMetrics mechanismMetrics(Mechanism mechanism, EvaluatedImages images, WindowsOrder order,
                                                 int window, double threshold) {
        return mechanismMetrics(mechanism, images, order, window, threshold, true);
    }

    /**
     * As {@link #mechanismMetrics(Mechanism, EvaluatedImages, WindowsOrder, int, double)}; with
     * {@code pairedRealsOnly} false every real image joins the subset (the evaluation script's
     * {@code use_pairing=False}).
     */
    public static BinaryMetrics mechanismMetrics(Mechanism mechanism, EvaluatedImages images, WindowsOrder order,
                                                 int window, double threshold, boolean pairedRealsOnly) {
        SortedSet<Integer> generators = mechanism.generators(order, window);
        Subset subset = pairedRealsOnly ? Subset.generators(generators) : Subset.generatorsWithEveryReal(generators);
        EvaluatedImages.Selection selection = subset.select(images);
        BinaryMetrics metrics = selection.metrics(threshold);
        if (selection.size() == 0) {
            metrics = withReason(metrics, mechanism.emptyReason(window));
        }
        return metrics;
    }

    /** Every metric per generator id 0..count-1: each fake generator against its paired reals; id 0 on all reals. */
    public static Map<Integer, BinaryMetrics> perGenerator(EvaluatedImages images, int generatorCount,
                                                           double threshold) {
        var out = new LinkedHashMap<Integer, BinaryMetrics>();
        for (int g = 0; g < generatorCount; g++) {
            out.put(g, Subset.generator(g).select(images).metrics(threshold));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The defined values only, for a logger that cannot show a missing value (TensorBoard); the original
     * likewise logs nothing for a metric whose computation failed.
     */
    public static Map<String, Double> loggable(Map<String, MetricValue> values) {
        var out = new LinkedHashMap<String, Double>();
        values.forEach((name, v) -> {
            if (v.isDefined()) out.put(name, v.value());
        });
        return Collections.unmodifiableMap(out);
    }

    private static BinaryMetrics withReason(BinaryMetrics empty, String reason) {
        var values = new LinkedHashMap<BinaryMetric, MetricValue>();
        for (BinaryMetric m : BinaryMetric.values()) {
            values.put(m, MetricValue.notDefined(reason));
        }
        return new BinaryMetrics(values, empty.counts(), empty.threshold());
    }
}
