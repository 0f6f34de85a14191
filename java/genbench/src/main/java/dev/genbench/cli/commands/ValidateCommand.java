package dev.genbench.cli.commands;

import dev.genbench.cli.EvaluationCommand;
import dev.genbench.cli.RunCommand;
import picocli.CommandLine.Command;

/** {@code genbench validate}: Evaluate each completed window on the validation set (metrics and predictions). */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate each completed window on the validation set (metrics and predictions).",
            "Without --experiment_info.sliding_windows_definition.current_window every completed window is evaluated;",
            "--ckpt_path or --model.base_weights evaluate a given checkpoint."
        },
        footer = {"", RunCommand.OVERRIDES_HELP_1, RunCommand.OVERRIDES_HELP_2})
public final class ValidateCommand extends EvaluationCommand {}
