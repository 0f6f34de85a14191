package dev.genbench.config;

import java.nio.file.Path;

/**
 * {@code data.init_args.dataset_loader}: where the dataset is and how to read it. {@code dataset_path}
 * is normally set through the top-level {@code dataset_path} key (see
 * {@link GenbenchConfig#resolvedDatasetPath()}).
 *
 * @param format {@code auto} (decide from what is on disk), {@code hf} (the AI-GenBench
 *     {@code save_to_disk} folder), {@code folder} ({@code <split>/<generator or real>/<image>}) or
 *     {@code csv} (a manifest); genbench's addition
 * @param generatorsFile a generator catalogue ({@code name,release_date} lines) replacing the dataset's
 *     own {@code generators.csv} and the built-in AI-GenBench list; genbench's addition
 */
@ClassPaths({"lightning_data_modules.datasets.AIGenBenchDatasetLoader",
        "lightning_data_modules.datasets.ai_genbench_dataset.AIGenBenchDatasetLoader", "AIGenBenchDatasetLoader"})
public record DatasetLoaderConfig(
        String classPath,
        @Nullable Path datasetPath,
        @Default("auto") DatasetFormat format,
        @Nullable Path generatorsFile) implements Component {}
