package dev.genbench.cli.commands;

import dev.genbench.cli.RunCommand;
import dev.genbench.config.LoadedConfig;
import dev.genbench.console.Log;
import dev.genbench.train.ExperimentLayout;
import picocli.CommandLine.Command;

/** {@code genbench fit}: trains the windows of an experiment one after another, resuming where it stopped. */
@Command(
        name = "fit",
        mixinStandardHelpOptions = true,
        description = {
            "Train a detector over the sliding windows (or the full training set), window after window.",
            "Re-running the same command with --experiment_info.experiment_id ID resumes where it stopped."
        },
        footer = {
            "",
            RunCommand.OVERRIDES_HELP_1,
            RunCommand.OVERRIDES_HELP_2,
            "",
            "Example:",
            "  genbench fit --config configs/benchmark_pipelines/base_benchmark_sliding_windows.yaml \\",
            "               --config configs/RN50_clip/RN50_clip_tune_resize.yaml --config local_config.yaml \\",
            "               --trainer.max_epochs=2 --experiment_info.experiment_id 7"
        })
public final class FitCommand extends RunCommand {

    @Override
    protected int run(LoadedConfig loaded, ExperimentLayout layout) {
        var window = layout.nextTrainingStep(loaded.config().experimentInfo().slidingWindowsDefinition().currentWindow());
        if (window.resumeFrom().isPresent()) {
            Log.info("window %d: resuming from %s", window.window(), window.resumeFrom().get());
        } else if (window.baseWeights().isPresent()) {
            Log.info("window %d: starting from the weights of %s", window.window(), window.baseWeights().get());
        } else {
            Log.info("window %d: starting from the pretrained backbone", window.window());
        }
        throw notYetAvailable("training");
    }
}
