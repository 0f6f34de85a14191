package dev.genbench.cli.commands;

import dev.genbench.cli.EvaluationCommand;
import picocli.CommandLine.Command;

/** {@code genbench predict}: Score the whole validation split with each completed window (evaluation without metrics). */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = {
            "Score the whole validation split with each completed window (evaluation without metrics).",
            "Without --experiment_info.sliding_windows_definition.current_window every completed window is evaluated;",
            "--ckpt_path or --model.base_weights evaluate a given checkpoint."
        })
public final class PredictCommand extends EvaluationCommand {}
