package dev.genbench.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole run configuration, with the original AI-GenBench keys (SPEC §10). Bound from the merged
 * YAML layers by {@link ConfigLoader}; every key has a default or is checked as required.
 *
 * @param seedEverything LightningCLI's seed: {@code true} draws a random seed, an integer fixes it
 * @param datasetPath linked to {@code data.init_args.dataset_loader.init_args.dataset_path}; see
 *     {@link #resolvedDatasetPath()}
 * @param ckptPath a full checkpoint to resume from or evaluate (the subcommand argument)
 */
public record GenbenchConfig(
        @Default("true") SeedEverything seedEverything,
        @Default("{}") TrainerConfig trainer,
        @Default("{class_path: lightning_data_modules.AIGenBenchPipeline}") DataConfig data,
        ModelConfig model,
        @Default("{}") ExperimentInfo experimentInfo,
        @Nullable Path datasetPath,
        @Default("{}") CheckpointCallbackConfig checkpointCallback,
        @Nullable Path ckptPath) {

    /**
     * The dataset folder, linked as the original links it: of {@code dataset_path} and
     * {@code data.init_args.dataset_loader.init_args.dataset_path}, the first that exists on disk,
     * otherwise the first that is set; null when neither is.
     */
    public Path resolvedDatasetPath() {
        Path loaderPath = data.datasetLoader().datasetPath();
        for (Path p : new Path[] {datasetPath, loaderPath}) {
            if (p != null && Files.exists(p)) {
                return p;
            }
        }
        return datasetPath != null ? datasetPath : loaderPath;
    }
}
