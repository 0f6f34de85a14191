package dev.genbench.metrics;

import java.util.Arrays;

/**
 * The original's {@code BestBinaryThresholdF1}: over the thresholds 0.000, 0.001, ..., 1.000, decide
 * fake where {@code score >= threshold} and keep the threshold with the highest F1, the first one on
 * ties (SPEC §8.1). Its value is the threshold, not the F1.
 *
 * <p>The original builds its thresholds with a float32 {@code linspace}, whose last bits depend on the
 * machine's vector width; here threshold i is the float32 nearest to i/1000, compared with the score
 * as float32 code would, and reported as the decimal i/1000. F1 values are compared as exact fractions,
 * so "first on ties" means ties in exact arithmetic, not in rounding.
 */
public final class BestThresholdF1 {
    public static final int THRESHOLD_COUNT = 1001;

    private BestThresholdF1() {}

    /** Threshold i as the scores are compared with it: the float32 nearest to i/1000. */
    public static double comparedThreshold(int i) {
        return (float) (i / 1000.0);
    }

    /** The best threshold's index i (its value is i/1000) and its F1. */
    public record Choice(int index, double f1) {
        public double threshold() {
            return index / 1000.0;
        }
    }

    /** Not defined for an empty input; defined (possibly with F1 0 at threshold 0) otherwise. */
    public static MetricValue compute(double[] scores, boolean[] fake) {
        if (scores.length == 0) {
            return MetricValue.notDefined("no images");
        }
        return MetricValue.of(choose(scores, fake).threshold());
    }

    public static Choice choose(double[] scores, boolean[] fake) {
        if (scores.length != fake.length) {
            throw new IllegalArgumentException(
                    "scores and labels differ in length: " + scores.length + " vs " + fake.length);
        }
        int nPos = 0;
        for (boolean f : fake) {
            if (f) nPos++;
        }
        double[] pos = new double[nPos];
        double[] neg = new double[scores.length - nPos];
        int p = 0, n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score at row " + i + " is NaN");
            }
            if (fake[i]) pos[p++] = scores[i]; else neg[n++] = scores[i];
        }
        Arrays.sort(pos);
        Arrays.sort(neg);

        int bestIndex = 0;
        // F1 = 2TP / (2TP + FP + FN), kept as numerator and denominator; -1/1 is below every F1.
        long bestNum = -1, bestDen = 1;
        for (int t = 0; t < THRESHOLD_COUNT; t++) {
            double threshold = comparedThreshold(t);
            long tp = pos.length - firstAtLeast(pos, threshold);
            long fp = neg.length - firstAtLeast(neg, threshold);
            long fn = pos.length - tp;
            long num = 2 * tp;
            long den = 2 * tp + fp + fn;
            if (den == 0) {
                num = 0;
                den = 1; // zero_division=0, as the original asks scikit-learn for
            }
            if (num * bestDen > bestNum * den) {
                bestNum = num;
                bestDen = den;
                bestIndex = t;
            }
        }
        return new Choice(bestIndex, (double) bestNum / bestDen);
    }

    /** Index of the first element {@code >= value} in an ascending array without NaN. */
    private static int firstAtLeast(double[] sorted, double value) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] >= value) hi = mid; else lo = mid + 1;
        }
        return lo;
    }
}
