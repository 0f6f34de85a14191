package dev.genbench.config;

import java.nio.file.Path;
import java.util.Map;

/** One entry of {@code trainer.logger}. */
public sealed interface LoggerConfig extends Component
        permits LoggerConfig.TensorBoard, LoggerConfig.Unsupported {

    /**
     * TensorBoard event files under {@code <save_dir>/<name>/<version>}; genbench sets name to
     * {@code experiment_<id>} and version to {@code window_<k>} as the original does (SPEC §4.5).
     */
    @ClassPaths({"lightning.pytorch.loggers.TensorBoardLogger", "lightning.pytorch.loggers.tensorboard.TensorBoardLogger",
            "pytorch_lightning.loggers.TensorBoardLogger", "pytorch_lightning.loggers.tensorboard.TensorBoardLogger",
            "TensorBoardLogger"})
    record TensorBoard(
            String classPath,
            @Default("lightning_logs") Path saveDir,
            @Nullable @Default("lightning_logs") String name,
            @Nullable Object version,
            @Default("false") boolean logGraph,
            @Default("true") boolean defaultHpMetric,
            @Default("''") String prefix,
            @Nullable String subDir) implements LoggerConfig {}

    /** Loggers genbench does not implement: accepted so the original files load, and ignored with a warning. */
    @ClassPaths(value = {"lightning.pytorch.loggers.WandbLogger", "lightning.pytorch.loggers.wandb.WandbLogger",
            "pytorch_lightning.loggers.WandbLogger", "WandbLogger",
            "lightning.pytorch.loggers.CSVLogger", "lightning.pytorch.loggers.MLFlowLogger",
            "lightning.pytorch.loggers.CometLogger", "lightning.pytorch.loggers.NeptuneLogger"},
            unsupported = "this logger is ignored; metrics still go to the TensorBoard event files and to `genbench report`")
    record Unsupported(String classPath, Map<String, Object> initArgs) implements LoggerConfig {}
}
