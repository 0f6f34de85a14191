package dev.genbench.metrics;

/**
 * Scored images of one evaluation: everything the metrics need to pick subsets.
 *
 * <p>Row i is real when {@code generatorIds[i] == 0} and fake otherwise (fake is the positive class).
 * {@code pairing[i]} is, for a real image, the generator it was paired with (SPEC §3.3; -1 when
 * unpaired) and -1 for a fake, as in the predictions files' {@code pairing} key.
 *
 * <p>The record owns its arrays and copies none of them (an epoch holds tens of thousands of rows):
 * callers must not change them afterwards.
 */
public record EvaluatedImages(float[] scores, long[] generatorIds, long[] pairing) {

    public EvaluatedImages {
        if (scores.length != generatorIds.length || scores.length != pairing.length) {
            throw new IllegalArgumentException("scores, generator ids and pairing differ in length: "
                    + scores.length + ", " + generatorIds.length + ", " + pairing.length);
        }
        for (int i = 0; i < generatorIds.length; i++) {
            if (generatorIds[i] < 0) {
                throw new IllegalArgumentException(
                        "generator id at row " + i + " is negative (" + generatorIds[i] + ")");
            }
        }
    }

    public int size() {
        return scores.length;
    }

    public boolean isFake(int row) {
        return generatorIds[row] != 0;
    }

    /** The rows where {@code keep[i]} holds, as widened scores and labels ready for the metrics. */
    public Selection select(boolean[] keep) {
        if (keep.length != scores.length) {
            throw new IllegalArgumentException("mask has " + keep.length + " rows, images have " + scores.length);
        }
        int n = 0;
        for (boolean k : keep) {
            if (k) n++;
        }
        float[] s = new float[n];
        boolean[] f = new boolean[n];
        int j = 0;
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                s[j] = scores[i];
                f[j] = generatorIds[i] != 0;
                j++;
            }
        }
        return new Selection(s, f);
    }

    /** Scores and fake/real labels of a subset. */
    public record Selection(float[] scores, boolean[] fake) {
        public Selection {
            if (scores.length != fake.length) {
                throw new IllegalArgumentException(
                        "scores and labels differ in length: " + scores.length + " vs " + fake.length);
            }
        }

        public int size() {
            return scores.length;
        }

        public BinaryMetrics metrics(double threshold) {
            return BinaryMetrics.compute(scores, fake, threshold);
        }
    }
}
