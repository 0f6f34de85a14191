package dev.genbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.evaluate.EvaluationOptions;
import dev.genbench.evaluate.EvaluationText;
import dev.genbench.evaluate.PredictionsEvaluator;
import dev.genbench.io.PredictionsFile;
import dev.genbench.io.StateFile;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.Stage;
import dev.genbench.train.GenbenchProcess.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One {@code genbench fit} command (its configuration arguments, for an experiment of {@code windows} windows)
 * for the tests that stop it at exact points and run it again until it finishes: each run is a process of its
 * own, and what the stopped-and-resumed runs wrote is compared with an uninterrupted run's.
 *
 * <p>Every data folder {@code <dir>/<name>} gets its own feature cache, {@code <dir>/cache-of-<name>}, so a
 * test decides whether a run starts with features already cached (a copy) or computes them.
 *
 * @param dir the test's folder (processes run there, caches live there)
 * @param models the model cards folder
 * @param args the configuration arguments ({@code --config} files and overrides)
 * @param windows how many windows the experiment has
 */
record StoppableFit(Path dir, Path models, List<String> args, int windows) {
    StoppableFit {
        args = List.copyOf(args);
    }

    /**
     * One way to stop a run: a {@code GENBENCH_FAULT} rule, the signal to send when the run reports that it
     * paused (null for none) and the exit status the stopped run must end with.
     */
    record Stop(String fault, String signal, int exit) {
        /** The process halts at {@code point} as {@code kill -9} ends it (no shutdown hooks, no finally). */
        static Stop halt(String point) {
            return new Stop(point + "=halt", null, 137);
        }

        /** The run pauses at {@code point} and gets a real {@code KILL}, {@code TERM} or {@code INT} there. */
        static Stop signal(String point, String signal) {
            int exit = switch (signal) {
                case "KILL" -> 137;
                case "TERM" -> 143;
                case "INT" -> 130;
                default -> throw new IllegalArgumentException("no expected exit status for SIG" + signal);
            };
            return new Stop(point + "=pause", signal, exit);
        }

        @Override
        public String toString() {
            return fault + (signal == null ? "" : " then SIG" + signal);
        }
    }

    /** The feature cache of data folder {@code data}. */
    Path cache(Path data) {
        return dir.resolve("cache-of-" + data.getFileName());
    }

    /** Runs {@code genbench fit} for experiment {@code id} in data folder {@code data}; {@code onPause} acts when a pause point is reached. */
    Outcome fit(Path data, String id, String fault, Consumer<Process> onPause, String... extra) throws Exception {
        List<String> argv = new ArrayList<>(List.of("fit"));
        argv.addAll(args);
        argv.addAll(List.of("--experiment_info.experiments_data_folder=" + data, "--experiment_info.experiment_id=" + id));
        argv.addAll(List.of(extra));
        return GenbenchProcess.run(dir, models, argv, Map.of("GENBENCH_FEATURE_CACHE", cache(data).toString()), fault, onPause);
    }

    /** Runs the same command without faults until it succeeds; returns its output. */
    Outcome resumeUntilDone(Path data, String id, String... extra) throws Exception {
        Outcome o = fit(data, id, null, null, extra);
        assertEquals(0, o.exit(), "a resume without faults failed:\n" + o.output());
        return o;
    }

    /** Runs the command stopped once by each of {@code stops} in turn, then to the end; returns every run's outcome. */
    List<Outcome> stoppedThenResumed(Path data, String id, Stop... stops) throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        for (Stop stop : stops) {
            Outcome stopped = fit(data, id, stop.fault(), stop.signal() == null ? null : p -> GenbenchProcess.signal(p, stop.signal()));
            assertEquals(stop.exit(), stopped.exit(), stop + ":\n" + stopped.output());
            assertTrue(!Files.exists(lastWindowDone(data, id)), stop + ": stopped before the end:\n" + stopped.output());
            outcomes.add(stopped);
        }
        outcomes.add(resumeUntilDone(data, id));
        return outcomes;
    }

    private Path lastWindowDone(Path data, String id) {
        return data.resolve("experiment_" + id + "/window_" + (windows - 1) + "/done");
    }

    /**
     * Every window's predictions, final model tensors (a head, or a whole tuned network) and step, and the
     * metrics, are equal in the two experiment folders.
     */
    void assertSameAs(Path expected, Path actual) {
        for (int k = 0; k < windows; k++) {
            var a = PredictionsFile.read(expected.resolve("window_" + k + "/predictions_validate_all.npz"));
            var b = PredictionsFile.read(actual.resolve("window_" + k + "/predictions_validate_all.npz"));
            assertArrayEquals(a.fusedScores(), b.fusedScores(), "window " + k + " scores");
            assertArrayEquals(a.fusedLosses(), b.fusedLosses(), "window " + k + " losses");
            assertArrayEquals(a.fusedIdentifiers(), b.fusedIdentifiers(), "window " + k + " images");
            var ca = StateFile.read(ExperimentLayout.checkpointsNewestFirst(expected.resolve("window_" + k + "/checkpoints")).getFirst());
            var cb = StateFile.read(ExperimentLayout.checkpointsNewestFirst(actual.resolve("window_" + k + "/checkpoints")).getFirst());
            assertTrue(ca.has("head.weight") && ca.has("head.bias"), ca.tensors().keySet().toString());
            assertEquals(ca.tensors().keySet(), cb.tensors().keySet(), "window " + k + " tensors");
            for (String name : TrainingState.model(ca).keySet()) {
                assertArrayEquals(ca.floats(name), cb.floats(name), "window " + k + " " + name);
            }
            assertEquals(ca.longValue("global_step"), cb.longValue("global_step"));
        }
        var options = new EvaluationOptions(Stage.VALIDATE, 0.5, true);
        String experiment = actual.getFileName().toString();
        // The table's title names the experiment; every metric after it must be equal.
        assertEquals(EvaluationText.render(PredictionsEvaluator.evaluateExperiment(expected, options), Mechanism.IMMEDIATE_FUTURE),
                EvaluationText.render(PredictionsEvaluator.evaluateExperiment(actual, options), Mechanism.IMMEDIATE_FUTURE)
                        .replace(experiment, expected.getFileName().toString()));
    }

    /** Copies a folder tree (a feature cache, a dataset) file by file. */
    static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
