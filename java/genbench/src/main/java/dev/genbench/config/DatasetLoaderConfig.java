package dev.genbench.config;

import java.nio.file.Path;

/**
 * {@code data.init_args.dataset_loader}: where the dataset is. {@code dataset_path} is normally set
 * through the top-level {@code dataset_path} key (see {@link GenbenchConfig#resolvedDatasetPath()}).
 */
@ClassPaths({"lightning_data_modules.datasets.AIGenBenchDatasetLoader",
        "lightning_data_modules.datasets.ai_genbench_dataset.AIGenBenchDatasetLoader", "AIGenBenchDatasetLoader"})
public record DatasetLoaderConfig(String classPath, @Nullable Path datasetPath) implements Component {}
