package dev.genbench.metrics;

import java.util.Arrays;

/**
 * Gathers scores and fake/real labels batch by batch and computes every {@link BinaryMetric} on all of
 * them: the training epoch's metrics, where subsets play no part.
 *
 * <p>Not thread-safe: one training loop owns it.
 */
public final class BinaryMetricsAccumulator {
    private final double threshold;
    private float[] scores = new float[1024];
    private boolean[] fake = new boolean[1024];
    private int size;

    /** @param threshold {@code classification_threshold}: {@code score > threshold} means fake */
    public BinaryMetricsAccumulator(double threshold) {
        this.threshold = threshold;
    }

    public void update(float[] batchScores, boolean[] batchFake) {
        int n = batchScores.length;
        if (batchFake.length != n) {
            throw new IllegalArgumentException("scores and labels differ in length: " + n + " vs " + batchFake.length);
        }
        if (size + n > scores.length) {
            int grown = Math.max(size + n, scores.length * 2);
            scores = Arrays.copyOf(scores, grown);
            fake = Arrays.copyOf(fake, grown);
        }
        System.arraycopy(batchScores, 0, scores, size, n);
        System.arraycopy(batchFake, 0, fake, size, n);
        size += n;
    }

    public int size() {
        return size;
    }

    public BinaryMetrics compute() {
        return BinaryMetrics.compute(Arrays.copyOf(scores, size), Arrays.copyOf(fake, size), threshold);
    }

    /** What has been gathered: copies of the scores and labels, in arrival order (for a checkpoint). */
    public record Contents(float[] scores, boolean[] fake) {}

    public Contents contents() {
        return new Contents(Arrays.copyOf(scores, size), Arrays.copyOf(fake, size));
    }

    public void reset() {
        size = 0;
    }
}
