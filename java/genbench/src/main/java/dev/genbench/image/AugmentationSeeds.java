package dev.genbench.image;

/**
 * The seed derivation of the original's deterministic augmentations (SPEC §5).
 *
 * <p>Replica r of the training set uses the base b_r = (base + r·2^27) mod 2^31 and sample i the item seed
 * s = b_r + i. Dataset index j of a set replicated A times maps to r = j mod A and i = j div A (the code's
 * layout, not its docstring's: SPEC §12 item 18). Evaluation uses A = 1 and r = 0.
 *
 * @param baseSeed {@code augmentations_base_seed} (default 4321)
 * @param augmentationFactor {@code augmentation_factor} A, replicas per sample (1 for evaluation)
 */
public record AugmentationSeeds(long baseSeed, int augmentationFactor) {
    public static final long DEFAULT_BASE_SEED = 4321;
    private static final long TWO_POW_27 = 1L << 27;
    private static final long TWO_POW_31 = 1L << 31;

    public AugmentationSeeds {
        if (augmentationFactor < 1) {
            throw new IllegalArgumentException("augmentation_factor must be at least 1, got " + augmentationFactor);
        }
    }

    public static AugmentationSeeds evaluation(long baseSeed) {
        return new AugmentationSeeds(baseSeed, 1);
    }

    /** b_r = (base + r·2^27) mod 2^31, always in [0, 2^31). */
    public long replicaBase(int replica) {
        return Math.floorMod(baseSeed + replica * TWO_POW_27, TWO_POW_31);
    }

    /**
     * s = b_r + i. The original requires s in [0, 2^31) (numpy's legacy seeding refuses more); a sample
     * position that pushes it past is reported rather than wrapped, so no two items silently share a seed.
     */
    public long itemSeed(long sampleIndex, int replica) {
        if (sampleIndex < 0) {
            throw new IllegalArgumentException("sample index must be >= 0, got " + sampleIndex);
        }
        long s = replicaBase(replica) + sampleIndex;
        if (s >= TWO_POW_31) {
            throw new IllegalArgumentException("augmentation seed " + s + " for sample " + sampleIndex + ", replica "
                    + replica + " is not below 2^31; lower augmentations_base_seed");
        }
        return s;
    }

    /** Replica r = j mod A of dataset index j. */
    public int replicaOf(long datasetIndex) {
        return (int) (datasetIndex % augmentationFactor);
    }

    /** Sample i = j div A of dataset index j. */
    public long sampleOf(long datasetIndex) {
        return datasetIndex / augmentationFactor;
    }

    /** The item seed of dataset index j (replicated layout). */
    public long seedOfDatasetIndex(long datasetIndex) {
        return itemSeed(sampleOf(datasetIndex), replicaOf(datasetIndex));
    }

    /** Number of dataset entries for n samples. */
    public long datasetSize(long samples) {
        return samples * augmentationFactor;
    }
}
