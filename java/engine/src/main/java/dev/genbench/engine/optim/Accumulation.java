package dev.genbench.engine.optim;

/**
 * When to step under gradient accumulation, as Lightning does (SPEC §7.5): each micro-batch's
 * loss is scaled by 1/k so the accumulated gradient is the mean over the k micro-batches, the
 * optimizer steps after every k-th micro-batch, and an epoch that ends mid-accumulation still steps
 * on its last batch. Immutable and thread-safe.
 */
public record Accumulation(int batches) {

    public Accumulation {
        if (batches < 1) {
            throw new IllegalArgumentException("accumulate_grad_batches must be >= 1, got " + batches);
        }
    }

    /** The factor each micro-batch's loss is multiplied by before backward. */
    public double lossScale() {
        return 1.0 / batches;
    }

    /** Whether to run the optimizer after micro-batch {@code batchIdx} (0-based within the epoch). */
    public boolean stepsAfter(long batchIdx, boolean lastBatchOfEpoch) {
        return (batchIdx + 1) % batches == 0 || lastBatchOfEpoch;
    }

    /** Optimizer steps in an epoch of {@code batchesPerEpoch}: ceil(batches / k), as Lightning's estimate. */
    public long stepsPerEpoch(long batchesPerEpoch) {
        return (batchesPerEpoch + batches - 1) / batches;
    }
}
