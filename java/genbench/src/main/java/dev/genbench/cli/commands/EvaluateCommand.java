package dev.genbench.cli.commands;

import dev.genbench.console.UserError;
import dev.genbench.evaluate.EvaluationOptions;
import dev.genbench.evaluate.EvaluationText;
import dev.genbench.evaluate.ExperimentEvaluation;
import dev.genbench.evaluate.PredictionsEvaluator;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.Stage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code genbench evaluate}: recomputes every metric from predictions files, as the original's
 * {@code evaluate_predictions_multiwindow.py} does, so predictions from any tool can be scored.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Recompute every metric from predictions .npz files, as the original's evaluation script.",
            "Per window and sliding-window mechanism, with the average next-period AUROC.",
            "Give an experiment folder (holding window_0, window_1, ...) or one .npz file per window, window 0 first."
        },
        footer = {"", "Examples:",
            "  genbench evaluate experiments_data/experiment_3",
            "  genbench evaluate --mechanism growing --stage test experiments_data/experiment_3",
            "  genbench evaluate w0.npz w1.npz w2.npz"})
public final class EvaluateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PREDICTIONS", description = "An experiment folder, or .npz files (window 0 first).")
    List<Path> inputs;

    @Option(names = "--stage", defaultValue = "validate", description = "Whose files an experiment folder gives: validate or test "
            + "(default: ${DEFAULT-VALUE}).")
    String stage;

    @Option(names = "--mechanism", defaultValue = "immediate_future",
            description = "The subset of the printed table: immediate_future, growing, growing_whole, past or all "
                    + "(default: ${DEFAULT-VALUE}).")
    String mechanism;

    @Option(names = "--threshold", defaultValue = "0.5", description = "classification_threshold; score > threshold is fake "
            + "(default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--no-pairing", description = "Score each generator against every real instead of its paired reals.")
    boolean noPairing;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Stage chosenStage = switch (stage.toLowerCase(Locale.ROOT)) {
            case "validate" -> Stage.VALIDATE;
            case "test" -> Stage.TEST;
            default -> throw new UserError("--stage must be validate or test, got '" + stage + "'");
        };
        Mechanism chosen;
        try {
            chosen = Mechanism.fromKey(mechanism);
        } catch (IllegalArgumentException e) {
            throw new UserError("--mechanism: " + e.getMessage());
        }
        EvaluationOptions options;
        try {
            options = new EvaluationOptions(chosenStage, threshold, !noPairing);
        } catch (IllegalArgumentException e) {
            throw new UserError("--threshold: " + e.getMessage());
        }
        ExperimentEvaluation evaluation;
        if (inputs.size() == 1 && Files.isDirectory(inputs.getFirst())) {
            evaluation = PredictionsEvaluator.evaluateExperiment(inputs.getFirst(), options);
        } else {
            for (Path p : inputs) {
                if (!Files.isRegularFile(p)) {
                    throw new UserError("'" + p + "' is not a predictions file; give one experiment folder or .npz files");
                }
            }
            evaluation = PredictionsEvaluator.evaluate("predictions", inputs, options);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(EvaluationText.render(evaluation, chosen));
        out.flush();
        return 0;
    }
}
