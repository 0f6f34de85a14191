package dev.genbench.metrics;

import java.util.Arrays;

/**
 * Gathers scored images batch by batch during an evaluation epoch; {@link #compute} hands them over as
 * {@link EvaluatedImages}. Ranking metrics need every score at once, so this keeps them all, in
 * primitive arrays that grow by doubling.
 *
 * <p>Not thread-safe: one evaluation loop owns it.
 */
public final class EvaluationAccumulator {
    private float[] scores = new float[1024];
    private long[] generatorIds = new long[1024];
    private long[] pairing = new long[1024];
    private int size;

    /** Appends a batch; {@code pairing} is -1 for fakes and unpaired reals. */
    public void update(float[] batchScores, long[] batchGeneratorIds, long[] batchPairing) {
        int n = batchScores.length;
        if (batchGeneratorIds.length != n || batchPairing.length != n) {
            throw new IllegalArgumentException("batch arrays differ in length: " + n + ", "
                    + batchGeneratorIds.length + ", " + batchPairing.length);
        }
        ensure(size + n);
        System.arraycopy(batchScores, 0, scores, size, n);
        System.arraycopy(batchGeneratorIds, 0, generatorIds, size, n);
        System.arraycopy(batchPairing, 0, pairing, size, n);
        size += n;
    }

    public int size() {
        return size;
    }

    /** The images gathered since the last reset, as fresh arrays (later updates do not change them). */
    public EvaluatedImages compute() {
        return new EvaluatedImages(Arrays.copyOf(scores, size), Arrays.copyOf(generatorIds, size),
                Arrays.copyOf(pairing, size));
    }

    public void reset() {
        size = 0;
    }

    private void ensure(int capacity) {
        if (capacity > scores.length) {
            int grown = Math.max(capacity, scores.length * 2);
            scores = Arrays.copyOf(scores, grown);
            generatorIds = Arrays.copyOf(generatorIds, grown);
            pairing = Arrays.copyOf(pairing, grown);
        }
    }
}
