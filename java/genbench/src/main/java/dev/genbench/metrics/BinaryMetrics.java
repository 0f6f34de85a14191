package dev.genbench.metrics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Every binary metric of SPEC §8.1 on one set of scored images, with fake as the positive class.
 *
 * @param values      one value per {@link BinaryMetric}, in the enum's order
 * @param counts      the decisions at {@code threshold} ({@code score > threshold} means fake)
 * @param threshold   the classification threshold the threshold metrics used
 */
public record BinaryMetrics(Map<BinaryMetric, MetricValue> values, ConfusionCounts counts, double threshold) {

    public BinaryMetrics {
        var copy = new EnumMap<BinaryMetric, MetricValue>(BinaryMetric.class);
        copy.putAll(values);
        for (BinaryMetric m : BinaryMetric.values()) {
            if (!copy.containsKey(m)) {
                throw new IllegalArgumentException("missing a value for " + m.loggedName());
            }
        }
        values = Collections.unmodifiableMap(copy);
    }

    public MetricValue get(BinaryMetric metric) {
        return values.get(metric);
    }

    public long fakes() {
        return counts.positives();
    }

    public long reals() {
        return counts.negatives();
    }

    /** Computes every metric on float32 scores, comparing them with the threshold in float32. */
    public static BinaryMetrics compute(float[] scores, boolean[] fake, double threshold) {
        double[] widened = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            widened[i] = scores[i];
        }
        return compute(widened, fake, (float) threshold);
    }

    /**
     * Computes every metric. An empty input or a NaN score leaves every metric not defined, with the
     * reason; one class only leaves AUROC (and, without fakes, average precision) not defined, while the
     * threshold metrics count x/0 as 0.
     */
    public static BinaryMetrics compute(double[] scores, boolean[] fake, double threshold) {
        if (scores.length != fake.length) {
            throw new IllegalArgumentException(
                    "scores and labels differ in length: " + scores.length + " vs " + fake.length);
        }
        ConfusionCounts counts = ConfusionCounts.atThreshold(scores, fake, threshold);
        var values = new EnumMap<BinaryMetric, MetricValue>(BinaryMetric.class);

        String undefinedEverywhere = null;
        if (scores.length == 0) {
            undefinedEverywhere = "no images";
        } else {
            int nans = 0;
            for (double s : scores) {
                if (Double.isNaN(s)) nans++;
            }
            if (nans > 0) {
                undefinedEverywhere = nans + " of " + scores.length + " scores are NaN";
            }
        }
        if (undefinedEverywhere != null) {
            for (BinaryMetric m : BinaryMetric.values()) {
                values.put(m, MetricValue.notDefined(undefinedEverywhere));
            }
            return new BinaryMetrics(values, counts, threshold);
        }

        values.put(BinaryMetric.BALANCED_ACCURACY, MetricValue.of(counts.balancedAccuracy()));
        values.put(BinaryMetric.RECALL, MetricValue.of(counts.recall()));
        values.put(BinaryMetric.PRECISION, MetricValue.of(counts.precision()));
        values.put(BinaryMetric.SPECIFICITY, MetricValue.of(counts.specificity()));
        values.put(BinaryMetric.F1, MetricValue.of(counts.f1()));
        RankingCurve curve = RankingCurve.of(scores, fake);
        values.put(BinaryMetric.AUROC, curve.auroc());
        values.put(BinaryMetric.AVERAGE_PRECISION, curve.averagePrecision());
        values.put(BinaryMetric.BEST_THRESHOLD_F1, BestThresholdF1.compute(scores, fake));
        return new BinaryMetrics(values, counts, threshold);
    }
}
