package dev.genbench.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One entry of {@code trainer.callbacks}, by the original's class paths (SPEC §10.2). */
public sealed interface CallbackConfig extends Component
        permits CallbackConfig.PredictionsDump, CallbackConfig.MetricsManager, CallbackConfig.SlidingWindowMetrics,
                CallbackConfig.LearningRateMonitor, CallbackConfig.IgnoredDisplay, CallbackConfig.IgnoredCheckpoint,
                CallbackConfig.Unsupported, CallbackConfig.Plugin {

    /**
     * Writes {@code predictions_<stage>_*.npz} at the end of validate and test. {@code gt_keys} and
     * {@code pred_keys} are accepted and, as in the original, not used.
     */
    @ClassPaths({"training_metrics.DeepFakePredictionsDump", "training_metrics.predictions_dump.DeepFakePredictionsDump",
            "DeepFakePredictionsDump"})
    record PredictionsDump(
            String classPath,
            @Default("[label, generator, identifier]") List<String> gtKeys,
            @Default("[prediction, loss]") List<String> predKeys,
            @Nullable Path saveDir) implements CallbackConfig {}

    /** Overall and per-generator metrics (SPEC §8). */
    @ClassPaths({"training_metrics.MetricsManager", "training_metrics.metrics_manager.MetricsManager", "MetricsManager"})
    record MetricsManager(String classPath, @Default("true") boolean includeRealExamplesInMetrics)
            implements CallbackConfig {}

    /** Metrics over the generator set a sliding-window mechanism selects (SPEC §8.2). */
    @ClassPaths({"training_metrics.MetricsManagerSlidingWindow",
            "training_metrics.metrics_manager_sliding_window.MetricsManagerSlidingWindow", "MetricsManagerSlidingWindow"})
    record SlidingWindowMetrics(
            String classPath,
            ComputeMechanism computeMechanism,
            @Default("true") boolean includeRealExamplesInMetrics) implements CallbackConfig {}

    /** Logs the learning rate (and momentum) of each optimizer step to TensorBoard. */
    @ClassPaths({"lightning.pytorch.callbacks.LearningRateMonitor", "pytorch_lightning.callbacks.LearningRateMonitor",
            "LearningRateMonitor"})
    record LearningRateMonitor(
            String classPath,
            @Nullable String loggingInterval,
            @Default("false") boolean logMomentum,
            @Default("false") boolean logWeightDecay) implements CallbackConfig {}

    @ClassPaths(value = {"lightning.pytorch.callbacks.TQDMProgressBar", "lightning.pytorch.callbacks.RichProgressBar",
            "lightning.pytorch.callbacks.ModelSummary", "lightning.pytorch.callbacks.RichModelSummary"},
            unsupported = "it is ignored; genbench prints its own progress bars and model summary")
    record IgnoredDisplay(String classPath, Map<String, Object> initArgs) implements CallbackConfig {}

    @ClassPaths(value = {"lightning.pytorch.callbacks.ModelCheckpoint", "pytorch_lightning.callbacks.ModelCheckpoint"},
            unsupported = "it is ignored; genbench writes each window's checkpoints itself, configured by checkpoint_callback.*")
    record IgnoredCheckpoint(String classPath, Map<String, Object> initArgs) implements CallbackConfig {}

    @ClassPaths(value = {"lightning.pytorch.callbacks.EarlyStopping", "lightning.pytorch.callbacks.StochasticWeightAveraging",
            "lightning.pytorch.callbacks.DeviceStatsMonitor", "lightning.pytorch.callbacks.GradientAccumulationScheduler",
            "lightning.pytorch.callbacks.Timer", "lightning.pytorch.callbacks.BatchSizeFinder",
            "lightning.pytorch.callbacks.LearningRateFinder"},
            unsupported = "it is ignored and training runs as if it were not configured")
    record Unsupported(String classPath, Map<String, Object> initArgs) implements CallbackConfig {}

    /**
     * A user's callback: any other Java class name, loaded from the plug-in path and constructed with its
     * {@code init_args} when the run starts (dev.genbench.extension.Callback, README "Extending the detector").
     */
    @ClassPaths(value = {}, plugins = true)
    record Plugin(String classPath, Map<String, Object> initArgs) implements CallbackConfig {}

    /** The sliding-window metric mechanisms of the original (SPEC §8.2). */
    enum ComputeMechanism { IMMEDIATE_FUTURE, GROWING, GROWING_WHOLE, PAST }
}
