package dev.genbench.image;

import dev.genbench.config.OnBadImage;

/**
 * How a {@link BatchLoader} runs.
 *
 * @param workers decoding and augmenting threads ({@code data.num_workers}; {@link #allCores()} by default)
 * @param batchSize images per batch
 * @param buffers batch buffers in the ring (at least 1); more lets workers run further ahead of the consumer
 * @param keepOrder deliver batches in index order (otherwise in completion order)
 * @param onBadImage what to do with an image that cannot be decoded or processed
 * @param memoryCeilingBytes the most off-heap memory the batch buffers may take; the ring is shrunk to fit
 *     and loading is refused if not even one batch fits
 * @param layout tensor layout of each crop
 * @param type tensor element type
 * @param normalization per-channel mean and std
 * @param decodeLimits decompression-bomb guard
 * @param deterministicAugmentations {@code deterministic_augmentations}: seed each item from (base seed,
 *     sample, replica); when false every access draws fresh randomness
 * @param freeSeed null: the non-deterministic part of training (SPEC §5) draws from OS entropy, as the
 *     original; a value: it is seeded from (value, sample, replica) too, so that what a feature cache keeps
 *     is the same whether it was filled in one run or in several interrupted ones
 */
public record LoaderSettings(int workers, int batchSize, int buffers, boolean keepOrder, OnBadImage onBadImage,
        long memoryCeilingBytes, TensorLayout layout, TensorType type, Normalization normalization,
        DecodeLimits decodeLimits, boolean deterministicAugmentations, Long freeSeed) {

    public static final long DEFAULT_MEMORY_CEILING = 2L << 30;

    public LoaderSettings {
        if (workers < 1) {
            throw new IllegalArgumentException("data.num_workers must be at least 1, got " + workers);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (buffers < 1) {
            throw new IllegalArgumentException("the loader needs at least 1 batch buffer, got " + buffers);
        }
        if (memoryCeilingBytes < 1) {
            throw new IllegalArgumentException("the loader memory ceiling must be positive, got " + memoryCeilingBytes);
        }
    }

    public static int allCores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** All cores, ordered, fail on bad images, NCHW float32 with CLIP statistics, 2 GiB ceiling. */
    public static LoaderSettings defaults(int batchSize) {
        int workers = allCores();
        return new LoaderSettings(workers, batchSize, workers + 2, true, OnBadImage.FAIL, DEFAULT_MEMORY_CEILING,
                TensorLayout.NCHW, TensorType.FLOAT32, Normalization.CLIP, DecodeLimits.DEFAULT, true, null);
    }

    public LoaderSettings withWorkers(int n) {
        return new LoaderSettings(n, batchSize, Math.max(buffers, n + 1), keepOrder, onBadImage, memoryCeilingBytes,
                layout, type, normalization, decodeLimits, deterministicAugmentations, freeSeed);
    }

    public LoaderSettings withOnBadImage(OnBadImage policy) {
        return new LoaderSettings(workers, batchSize, buffers, keepOrder, policy, memoryCeilingBytes, layout, type,
                normalization, decodeLimits, deterministicAugmentations, freeSeed);
    }

    public LoaderSettings withKeepOrder(boolean ordered) {
        return new LoaderSettings(workers, batchSize, buffers, ordered, onBadImage, memoryCeilingBytes, layout, type,
                normalization, decodeLimits, deterministicAugmentations, freeSeed);
    }

    public LoaderSettings withMemoryCeiling(long bytes) {
        return new LoaderSettings(workers, batchSize, buffers, keepOrder, onBadImage, bytes, layout, type,
                normalization, decodeLimits, deterministicAugmentations, freeSeed);
    }

    public LoaderSettings withTensor(TensorLayout newLayout, TensorType newType) {
        return new LoaderSettings(workers, batchSize, buffers, keepOrder, onBadImage, memoryCeilingBytes, newLayout,
                newType, normalization, decodeLimits, deterministicAugmentations, freeSeed);
    }

    public LoaderSettings withNormalization(Normalization newNormalization) {
        return new LoaderSettings(workers, batchSize, buffers, keepOrder, onBadImage, memoryCeilingBytes, layout, type,
                newNormalization, decodeLimits, deterministicAugmentations, freeSeed);
    }

    public LoaderSettings withDecodeLimits(DecodeLimits limits) {
        return new LoaderSettings(workers, batchSize, buffers, keepOrder, onBadImage, memoryCeilingBytes, layout, type,
                normalization, limits, deterministicAugmentations, freeSeed);
    }

    public LoaderSettings withDeterministicAugmentations(boolean deterministic) {
        return new LoaderSettings(workers, batchSize, buffers, keepOrder, onBadImage, memoryCeilingBytes, layout, type,
                normalization, decodeLimits, deterministic, freeSeed);
    }

    /** Seeds the non-deterministic part per item from {@code seed} (see {@link #freeSeed}); null restores entropy. */
    public LoaderSettings withFreeSeed(Long seed) {
        return new LoaderSettings(workers, batchSize, buffers, keepOrder, onBadImage, memoryCeilingBytes, layout, type,
                normalization, decodeLimits, deterministicAugmentations, seed);
    }
}
