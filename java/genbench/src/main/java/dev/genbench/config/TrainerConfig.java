package dev.genbench.config;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code trainer.*}: Lightning Trainer arguments, with Lightning's defaults. Keys that only matter to
 * distributed or Python-specific machinery are accepted so the original files load; {@link ConfigReview}
 * warns when one is set to something genbench does not do.
 */
public record TrainerConfig(
        @Default("auto") Accelerator accelerator,
        @Default("auto") String strategy,
        @Default("auto") Devices devices,
        @Default("1") int numNodes,
        @Default("32-true") Precision precision,
        @Nullable @Default("[{class_path: lightning.pytorch.loggers.TensorBoardLogger}]") List<LoggerConfig> logger,
        @Default("[]") List<CallbackConfig> callbacks,
        @Default("false") Object fastDevRun,
        @Nullable Integer maxEpochs,
        @Nullable Integer minEpochs,
        @Default("-1") long maxSteps,
        @Nullable Long minSteps,
        @Nullable String maxTime,
        @Nullable Number limitTrainBatches,
        @Nullable Number limitValBatches,
        @Nullable Number limitTestBatches,
        @Nullable Number limitPredictBatches,
        @Default("0.0") Number overfitBatches,
        @Nullable Number valCheckInterval,
        @Nullable @Default("1") Integer checkValEveryNEpoch,
        @Nullable Integer numSanityValSteps,
        @Nullable Integer logEveryNSteps,
        @Nullable Boolean enableCheckpointing,
        @Nullable Boolean enableProgressBar,
        @Nullable Boolean enableModelSummary,
        @Default("1") int accumulateGradBatches,
        @Nullable Number gradientClipVal,
        @Nullable GradientClipAlgorithm gradientClipAlgorithm,
        @Nullable Object deterministic,
        @Nullable Boolean benchmark,
        @Default("true") boolean inferenceMode,
        @Default("true") boolean useDistributedSampler,
        @Default("false") boolean syncBatchnorm,
        @Default("0") int reloadDataloadersEveryNEpochs,
        @Nullable Path defaultRootDir) {

    public TrainerConfig {
        if (accumulateGradBatches < 1) {
            throw new IllegalArgumentException("trainer.accumulate_grad_batches must be at least 1, got " + accumulateGradBatches);
        }
        if (maxEpochs != null && maxEpochs < -1) {
            throw new IllegalArgumentException("trainer.max_epochs must be -1 (no limit) or more, got " + maxEpochs);
        }
        if (gradientClipVal != null && gradientClipVal.doubleValue() < 0) {
            throw new IllegalArgumentException("trainer.gradient_clip_val must not be negative, got " + gradientClipVal);
        }
    }

    /** {@code trainer.accelerator}: where training and the engine run. {@code gpu} is Lightning's alias of cuda. */
    public enum Accelerator { AUTO, CPU, CUDA, GPU }

    public enum GradientClipAlgorithm { NORM, VALUE }

    /** Lightning's precision spellings. CPU runs {@code 32-true}; the engine says clearly what else it can run. */
    public enum Precision implements YamlEnum {
        FP32_TRUE("32-true"), FP32("32"), BF16_MIXED("bf16-mixed"), BF16("bf16"), BF16_TRUE("bf16-true"),
        FP16_MIXED("16-mixed"), FP16("16"), FP16_TRUE("16-true"), FP64_TRUE("64-true"), FP64("64");

        private final String yaml;

        Precision(String yaml) {
            this.yaml = yaml;
        }

        @Override
        public String yaml() {
            return yaml;
        }
    }
}
