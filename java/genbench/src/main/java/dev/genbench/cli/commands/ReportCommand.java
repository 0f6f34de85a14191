package dev.genbench.cli.commands;

import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.evaluate.EvaluationOptions;
import dev.genbench.evaluate.ExperimentEvaluation;
import dev.genbench.evaluate.PredictionsEvaluator;
import dev.genbench.report.ReportWriter;
import dev.genbench.report.Throughput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code genbench report}: summary files and one self-contained HTML page for one or more experiments. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Write summary.json, summary.csv, leaderboard.md and a self-contained report.html.",
            "For one or more experiments: next-period AUROC over windows, the window x generator AUROC heatmap, ROC",
            "curves per window, throughput over time, and a leaderboard when several experiments are given. The page",
            "needs no network to view."
        },
        footer = {"", "Example:",
            "  genbench report experiments_data/experiment_3 experiments_data/experiment_4 --out reports/rn50_vs_dinov2",
            "  (training throughput is read from the TensorBoard logs given with --logs, one folder per experiment)"})
public final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "EXPERIMENT", description = "Experiment folders (holding window_0, window_1, ...).")
    List<Path> experiments;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the report (default: the first experiment's folder).")
    Path out;

    @Option(names = "--logs", paramLabel = "DIR", split = ",",
            description = "TensorBoard log folders of the experiments, in the same order, for the throughput plot.")
    List<Path> logs = new ArrayList<>();

    @Option(names = "--stage", defaultValue = "validate", description = "validate or test predictions (default: ${DEFAULT-VALUE}).")
    String stage;

    @Override
    public Integer call() {
        if (!logs.isEmpty() && logs.size() != experiments.size()) {
            throw new UserError("--logs names " + logs.size() + " folders for " + experiments.size()
                    + " experiments; give one per experiment, in the same order");
        }
        var defaults = EvaluationOptions.defaults();
        var options = switch (stage) {
            case "validate" -> defaults;
            case "test" -> new EvaluationOptions(dev.genbench.metrics.Stage.TEST, defaults.threshold(), defaults.usePairing());
            default -> throw new UserError("--stage must be validate or test, got '" + stage + "'");
        };
        List<ExperimentEvaluation> evaluations = new ArrayList<>();
        Map<String, Throughput> throughput = new LinkedHashMap<>();
        for (int i = 0; i < experiments.size(); i++) {
            ExperimentEvaluation e = PredictionsEvaluator.evaluateExperiment(experiments.get(i), options);
            evaluations.add(e);
            if (!logs.isEmpty()) {
                if (!Files.isDirectory(logs.get(i))) {
                    throw new UserError("log folder '" + logs.get(i) + "' does not exist");
                }
                throughput.put(e.name(), Throughput.fromLogs(e.name(), logs.get(i), Throughput.TAG));
            }
        }
        Path dir = out != null ? out : experiments.getFirst();
        ReportWriter.Written written = ReportWriter.write(dir, evaluations, throughput);
        Log.info("wrote %s, %s, %s and %s", written.html(), written.json(), written.csv(), written.leaderboard());
        return 0;
    }
}
