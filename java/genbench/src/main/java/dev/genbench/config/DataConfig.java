package dev.genbench.config;

/**
 * {@code data}: the benchmark pipeline (the original's {@code AIGenBenchPipeline}, SPEC §10.2). Batch
 * sizes are global per accumulation step (SPEC §12 item 5).
 *
 * @param onBadImage {@code fail} (stop, naming the image) or {@code skip} (leave it out, counted and
 *     warned); genbench's addition
 * @param maxImagePixels decompression-bomb guard: a larger image is refused before it is decoded (the
 *     default is PIL's limit); genbench's addition
 */
@ClassPaths({"lightning_data_modules.AIGenBenchPipeline", "lightning_data_modules.ai_genbench_pipeline.AIGenBenchPipeline",
        "AIGenBenchPipeline"})
public record DataConfig(
        String classPath,
        @Default("{class_path: lightning_data_modules.datasets.AIGenBenchDatasetLoader}") DatasetLoaderConfig datasetLoader,
        @Default("128") int trainBatchSize,
        @Default("128") int evalBatchSize,
        @Default("8") int numWorkers,
        @Default("0") Number trainSubsetSize,
        @Default("0") Number validationSubsetSize,
        @Default("true") boolean deterministicAugmentations,
        @Default("1") int augmentationFactor,
        @Default("4321") long augmentationsBaseSeed,
        @Nullable Integer maximumProcessingSize,
        @Default("false") boolean moveDataToLocalStorage,
        @Default("fail") OnBadImage onBadImage,
        @Default("178956970") long maxImagePixels) implements Component {

    public DataConfig {
        if (trainBatchSize < 1 || evalBatchSize < 1) {
            throw new IllegalArgumentException("train_batch_size and eval_batch_size must be at least 1");
        }
        if (numWorkers < 0) {
            throw new IllegalArgumentException("num_workers must be 0 or more, got " + numWorkers);
        }
        if (maxImagePixels < 1) {
            throw new IllegalArgumentException("max_image_pixels must be positive, got " + maxImagePixels);
        }
        if (augmentationFactor < 1) {
            throw new IllegalArgumentException("augmentation_factor must be at least 1, got " + augmentationFactor);
        }
        if (augmentationsBaseSeed < 0 || augmentationsBaseSeed >= (1L << 31)) {
            // Per-item seeds are base + replica·2^27 + index modulo 2^31 (SPEC §5).
            throw new IllegalArgumentException("augmentations_base_seed must be in [0, 2^31), got " + augmentationsBaseSeed);
        }
        if (maximumProcessingSize != null && maximumProcessingSize < 1) {
            throw new IllegalArgumentException("maximum_processing_size must be positive or null, got " + maximumProcessingSize);
        }
        for (Number n : new Number[] {trainSubsetSize, validationSubsetSize}) {
            if (n.doubleValue() < 0) {
                throw new IllegalArgumentException("subset sizes must be 0 (off), a fraction below 1.0 or a count, got " + n);
            }
        }
    }
}
