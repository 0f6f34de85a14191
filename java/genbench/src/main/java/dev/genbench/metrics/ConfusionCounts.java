package dev.genbench.metrics;

/**
 * Counts of a binary decision against the truth, with fake as the positive class.
 *
 * <p>Every ratio counts x/0 as 0, as the original's metrics do (SPEC §8.1): a subset without fakes
 * has recall 0, not NaN.
 */
public record ConfusionCounts(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {

    public ConfusionCounts {
        if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
            throw new IllegalArgumentException("confusion counts cannot be negative: " + truePositives + ", "
                    + falsePositives + ", " + trueNegatives + ", " + falseNegatives);
        }
    }

    /**
     * Decides fake where {@code score > threshold}, the rule of the original's threshold metrics and of
     * its evaluation script. Scores are compared in double precision; a caller holding float32 scores
     * passes the threshold rounded to float32 so the comparison is the one float32 code makes.
     */
    public static ConfusionCounts atThreshold(double[] scores, boolean[] fake, double threshold) {
        if (scores.length != fake.length) {
            throw new IllegalArgumentException(
                    "scores and labels differ in length: " + scores.length + " vs " + fake.length);
        }
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean predictedFake = scores[i] > threshold;
            if (fake[i]) {
                if (predictedFake) tp++; else fn++;
            } else {
                if (predictedFake) fp++; else tn++;
            }
        }
        return new ConfusionCounts(tp, fp, tn, fn);
    }

    public long positives() {
        return truePositives + falseNegatives;
    }

    public long negatives() {
        return trueNegatives + falsePositives;
    }

    public long total() {
        return positives() + negatives();
    }

    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    public double specificity() {
        return ratio(trueNegatives, trueNegatives + falsePositives);
    }

    public double accuracy() {
        return ratio(truePositives + trueNegatives, total());
    }

    public double balancedAccuracy() {
        return (recall() + specificity()) / 2;
    }

    /** 2TP/(2TP+FP+FN), which equals 2PR/(P+R) wherever that is defined, and 0 elsewhere. */
    public double f1() {
        return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    }

    public ConfusionCounts plus(ConfusionCounts other) {
        return new ConfusionCounts(truePositives + other.truePositives, falsePositives + other.falsePositives,
                trueNegatives + other.trueNegatives, falseNegatives + other.falseNegatives);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }
}
