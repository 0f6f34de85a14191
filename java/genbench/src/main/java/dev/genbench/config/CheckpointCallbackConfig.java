package dev.genbench.config;

import java.nio.file.Path;

/**
 * {@code checkpoint_callback.*}: Lightning ModelCheckpoint arguments with its defaults. {@code dirpath} is
 * always the window's {@code checkpoints} folder, as the original forces it (SPEC §10.2).
 */
public record CheckpointCallbackConfig(
        @Nullable Path dirpath,
        @Nullable String filename,
        @Nullable String monitor,
        @Default("false") boolean verbose,
        @Nullable Object saveLast,
        @Default("1") int saveTopK,
        @Default("false") boolean saveWeightsOnly,
        @Default("min") String mode,
        @Default("true") boolean autoInsertMetricName,
        @Nullable Integer everyNTrainSteps,
        @Nullable String trainTimeInterval,
        @Nullable Integer everyNEpochs,
        @Nullable Boolean saveOnTrainEpochEnd,
        @Default("true") boolean enableVersionCounter) {

    public CheckpointCallbackConfig {
        if (!mode.equals("min") && !mode.equals("max")) {
            throw new IllegalArgumentException("checkpoint_callback.mode must be min or max, got " + mode);
        }
        if (saveTopK < -1) {
            throw new IllegalArgumentException("checkpoint_callback.save_top_k must be -1 (all) or more, got " + saveTopK);
        }
        if (everyNTrainSteps != null && everyNTrainSteps < 0) {
            throw new IllegalArgumentException("checkpoint_callback.every_n_train_steps must not be negative");
        }
    }
}
