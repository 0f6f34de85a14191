package dev.genbench.cli.commands;

import dev.genbench.cli.EvaluationCommand;
import dev.genbench.cli.RunCommand;
import picocli.CommandLine.Command;

/** {@code genbench test}: Evaluate each completed window on the test set (validation split, test pairing seed). */
@Command(
        name = "test",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate each completed window on the test set (validation split, test pairing seed).",
            "Without --experiment_info.sliding_windows_definition.current_window every completed window is evaluated;",
            "--ckpt_path or --model.base_weights evaluate a given checkpoint."
        },
        footer = {"", RunCommand.OVERRIDES_HELP_1, RunCommand.OVERRIDES_HELP_2})
public final class TestCommand extends EvaluationCommand {}
