package dev.genbench.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The probe configuration the end-to-end tests run: the small Arrow fixture, the tiny two-output
 * backbone, two windows of two generators, two epochs of batch 4 over two replicas, everything written
 * under one temporary folder.
 */
final class TinyProbeConfig {
    static final Path HF_SMALL = Path.of("src/test/resources/dev/genbench/data/hf-small").toAbsolutePath();
    static final Path MODELS = Path.of("src/test/resources/dev/genbench/models").toAbsolutePath();

    private TinyProbeConfig() {}

    /**
     * Writes {@code dir/tiny.yaml}.
     *
     * @param modelClassPath {@code model.class_path}
     * @param callbacksYaml the {@code trainer.callbacks} value as a YAML flow sequence ("[]" for none)
     */
    static Path write(Path dir, String modelClassPath, String callbacksYaml) throws IOException {
        Path yaml = dir.resolve("tiny.yaml");
        Files.writeString(yaml, """
                seed_everything: 7
                dataset_path: %s
                trainer:
                  logger:
                    - class_path: lightning.pytorch.loggers.TensorBoardLogger
                      init_args: {save_dir: %s}
                  callbacks: %s
                  max_epochs: 2
                  log_every_n_steps: 1
                  gradient_clip_val: 1
                data:
                  init_args:
                    train_batch_size: 4
                    eval_batch_size: 4
                    num_workers: 2
                    augmentation_factor: 2
                model:
                  class_path: %s
                  init_args:
                    model_name: tiny_backbone_probe
                    optimizer: {class_path: torch.optim.SGD, init_args: {lr: 0.01, momentum: 0.9}}
                    model_input_size: 16
                experiment_info:
                  experiments_data_folder: %s
                  sliding_windows_definition: {n_generators_per_window: 2, benchmark_type: cumulative}
                """.formatted(HF_SMALL, dir.resolve("logs"), callbacksYaml, modelClassPath, dir.resolve("data")));
        return yaml;
    }
}
