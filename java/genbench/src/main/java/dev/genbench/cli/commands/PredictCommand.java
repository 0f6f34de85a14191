package dev.genbench.cli.commands;

import dev.genbench.cli.EvaluationCommand;
import dev.genbench.cli.RunCommand;
import picocli.CommandLine.Command;

/** {@code genbench predict}: Score the whole validation split with each completed window (no metrics). */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = {
            "Score the whole validation split with each completed window (no metrics).",
            "Without --experiment_info.sliding_windows_definition.current_window every completed window is evaluated;",
            "--ckpt_path or --model.base_weights evaluate a given checkpoint."
        },
        footer = {"", RunCommand.OVERRIDES_HELP_1, RunCommand.OVERRIDES_HELP_2})
public final class PredictCommand extends EvaluationCommand {}
