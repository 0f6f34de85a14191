package dev.genbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.genbench.io.PredictionsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in mini benchmark's {@code fit} (its real backbone and data, 2 epochs per window), killed by
 * SIGKILL mid-epoch and between windows and resumed: every window's predictions equal those of a run that
 * never stopped. Needs the built mini benchmark ({@code datasets/mini_genbench}, which {@code genbench fit}
 * builds) and its backbone; skipped where they are missing.
 */
@Tag("slow")
class MiniBenchmarkResumeTest {
    static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private GenbenchProcess.Outcome fit(String id, String fault, java.util.function.Consumer<Process> onPause) throws Exception {
        List<String> args = new ArrayList<>(List.of("fit",
                "--config", "configs/mini_benchmark/mini_benchmark_sliding_windows.yaml",
                "--config", "configs/mini_benchmark/mobilenetv2_nsfw_probe_multicrop.yaml",
                "--trainer.max_epochs=2", "--checkpoint_callback.every_n_train_steps=3",
                "--trainer.logger=[{init_args: {save_dir: " + dir.resolve("logs") + "}}]",
                "--experiment_info.experiments_data_folder=" + dir.resolve("data"), "--experiment_info.experiment_id=" + id));
        System.clearProperty("genbench.models");
        // One feature cache for every run: a run that never stopped and the interrupted ones read the same rows.
        return GenbenchProcess.run(ROOT, args, Map.of("GENBENCH_FEATURE_CACHE", dir.resolve("cache").toString()), fault, onPause);
    }

    @Test
    void killedMidEpochAndBetweenWindowsTheMiniBenchmarkResumesToIdenticalPredictions() throws Exception {
        assumeTrue(Files.isRegularFile(ROOT.resolve("datasets/mini_genbench/dataset_dict.json")),
                "the mini benchmark is not built here (datasets/mini_genbench); `genbench make-mini-benchmark` builds it");
        var whole = fit("whole", null, null);
        assertEquals(0, whole.exit(), whole.output());

        var killed = fit("resumed", "train-batch@5=pause", p -> GenbenchProcess.signal(p, "KILL"));
        assertEquals(137, killed.exit(), killed.output());
        var stoppedBetween = fit("resumed", "window-done@1=halt", null);
        assertEquals(137, stoppedBetween.exit(), stoppedBetween.output());
        var done = fit("resumed", null, null);
        assertEquals(0, done.exit(), done.output());

        Path a = dir.resolve("data/experiment_whole");
        Path b = dir.resolve("data/experiment_resumed");
        List<Integer> windows = new ExperimentLayout(dir.resolve("data"), "experiment_", "window_",
                dev.genbench.config.ExperimentId.of("whole")).completedWindows();
        assertEquals(true, windows.size() >= 2, "windows " + windows);
        for (int k : windows) {
            var x = PredictionsFile.read(a.resolve("window_" + k + "/predictions_validate_all.npz"));
            var y = PredictionsFile.read(b.resolve("window_" + k + "/predictions_validate_all.npz"));
            assertArrayEquals(x.fusedScores(), y.fusedScores(), "window " + k);
            assertArrayEquals(x.fusedIdentifiers(), y.fusedIdentifiers(), "window " + k);
        }
    }
}
