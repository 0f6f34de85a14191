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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code genbench fit} in its own process, stopped at exact points by {@code kill -9} (a fault point that
 * halts the JVM as SIGKILL does, or a real SIGKILL while the run is paused there), by SIGTERM, by Ctrl-C
 * (SIGINT) and by a full disk; then the same command again, until it finishes. The predictions of every
 * window, the checkpoints' heads and the metrics must be identical to those of a run that never stopped.
 * Runs on the small Arrow fixture and the tiny backbone (2 windows, 2 epochs, a checkpoint every 2 steps);
 * one case fine-tunes the tiny backbone ({@code _tune}) instead of training a probe head.
 */
@Tag("slow")
class ResumeAfterKillTest {
    @TempDir
    static Path dir;
    static Path baseline;

    record Outcome(int exit, String output) {}

    static Path config() throws IOException {
        Path yaml = dir.resolve("tiny.yaml");
        if (!Files.exists(yaml)) {
            Files.writeString(yaml, """
                    seed_everything: 7
                    dataset_path: %s
                    trainer:
                      logger:
                        - class_path: lightning.pytorch.loggers.TensorBoardLogger
                          init_args: {save_dir: %s}
                      max_epochs: 2
                      log_every_n_steps: 1
                      gradient_clip_val: 1
                      accumulate_grad_batches: 2
                    checkpoint_callback: {every_n_train_steps: 2}
                    data:
                      init_args: {train_batch_size: 4, eval_batch_size: 4, num_workers: 2, augmentation_factor: 2,
                                  deterministic_augmentations: true}
                    model:
                      class_path: algorithms.BaseDeepfakeDetectionModel
                      init_args:
                        model_name: tiny_backbone_probe
                        optimizer: {class_path: torch.optim.SGD, init_args: {lr: 0.01, momentum: 0.9}}
                        model_input_size: 16
                    experiment_info:
                      sliding_windows_definition: {n_generators_per_window: 2, benchmark_type: cumulative}
                    """.formatted(ProbeRunTest.HF_SMALL, dir.resolve("logs")));
        }
        return yaml;
    }

    /** The same run with the tiny backbone fine-tuned ({@code _tune}) on 16x16 images. */
    static Path tuneConfig() throws IOException {
        Path yaml = dir.resolve("tiny_tune.yaml");
        if (!Files.exists(yaml)) {
            Files.writeString(yaml, Files.readString(config()).replace("model_name: tiny_backbone_probe", "model_name: tiny_backbone_tune"));
        }
        return yaml;
    }

    /** Runs {@code genbench fit} for experiment {@code id} in data folder {@code data}; {@code onPause} acts when a pause point is reached. */
    static Outcome fit(Path data, String id, String fault, Consumer<Process> onPause, String... extra) throws Exception {
        return fit(config(), data, id, fault, onPause, extra);
    }

    static Outcome fit(Path config, Path data, String id, String fault, Consumer<Process> onPause, String... extra) throws Exception {
        System.setProperty("genbench.models", ProbeRunTest.MODELS.toString());
        List<String> args = new ArrayList<>(List.of("fit", "--config", config.toString(),
                "--experiment_info.experiments_data_folder=" + data, "--experiment_info.experiment_id=" + id));
        args.addAll(List.of(extra));
        var o = GenbenchProcess.run(dir, args, Map.of("GENBENCH_FEATURE_CACHE", dir.resolve("cache-of-" + data.getFileName()).toString()),
                fault, onPause);
        return new Outcome(o.exit(), o.output());
    }

    /** Runs the same command without faults until it succeeds (at most 3 times); returns the last output. */
    static Outcome resumeUntilDone(Path data, String id, String... extra) throws Exception {
        return resumeUntilDone(config(), data, id, extra);
    }

    static Outcome resumeUntilDone(Path config, Path data, String id, String... extra) throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            Outcome o = fit(config, data, id, null, null, extra);
            if (o.exit() == 0) {
                return o;
            }
            assertEquals(0, o.exit(), "a resume without faults failed:\n" + o.output());
        }
        throw new AssertionError("unreachable");
    }

    static void signal(Process p, String name) {
        GenbenchProcess.signal(p, name);
    }

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        baseline = dir.resolve("baseline");
        Outcome o = fit(baseline, "0", null, null);
        assertEquals(0, o.exit(), o.output());
    }

    /** Every window's predictions, final head and metrics equal the uninterrupted run's. */
    static void assertSameAsBaseline(Path data, String id) {
        assertSameAs(baseline.resolve("experiment_0"), data.resolve("experiment_" + id));
    }

    /** Every window's predictions, final model tensors (a head, or a whole tuned network) and metrics are equal. */
    static void assertSameAs(Path expected, Path actual) {
        for (int k = 0; k < 2; k++) {
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

    private static void killedThenResumed(String name, String fault, Consumer<Process> onPause, int expectedExit) throws Exception {
        Path data = dir.resolve(name);
        Outcome killed = fit(data, "1", fault, onPause);
        assertEquals(expectedExit, killed.exit(), name + ":\n" + killed.output());
        assertTrue(!Files.exists(data.resolve("experiment_1/window_1/done")), name + ": stopped before the end");
        resumeUntilDone(data, "1");
        assertSameAsBaseline(data, "1");
    }

    @Test
    void aTuneRunKilledMidEpochResumesToTheSameNetworkAndPredictions() throws Exception {
        // 12 samples x 2 replicas / batch 4 = 6 batches and 3 optimizer steps an epoch; the kill after batch 9
        // (epoch 1, batch 3) loses one micro-batch after the step-4 checkpoint.
        Path whole = tuneBaseline();
        Path data = dir.resolve("tune-kill-mid-epoch");
        Outcome killed = fit(tuneConfig(), data, "1", "train-batch@9=halt", null);
        assertEquals(137, killed.exit(), killed.output());
        assertTrue(!Files.exists(data.resolve("experiment_1/window_0/done")), "stopped in window 0:\n" + killed.output());
        Outcome resumed = fit(tuneConfig(), data, "1", null, null);
        assertEquals(0, resumed.exit(), resumed.output());
        assertTrue(resumed.output().contains("window 0: resuming at epoch 1, batch 2 of 6, optimizer step 4"), resumed.output());
        assertSameAs(whole.resolve("experiment_0"), data.resolve("experiment_1"));
        for (int k = 0; k < 2; k++) {
            assertTrue(Files.exists(data.resolve("experiment_1/window_" + k + "/" + TuneRun.EXPORT_FILE)));
        }
    }

    @Test
    void aTuneRunStoppedBySigtermBetweenTwoMicroBatchesResumesToTheSameNetworkAndPredictions() throws Exception {
        // Window 0 takes 12 batches; paused after window 1's batch 2 (an optimizer step), the signal is seen after
        // batch 3, the first micro-batch of the next accumulation: the checkpoint holds the network's gradients.
        Path data = dir.resolve("tune-sigterm");
        Outcome stopped = fit(tuneConfig(), data, "1", "train-batch@14=pause", p -> signal(p, "TERM"));
        assertEquals(143, stopped.exit(), stopped.output());
        assertTrue(stopped.output().contains("SIGTERM received; saving a checkpoint"), stopped.output());
        StateFile state = StateFile.read(ExperimentLayout.checkpointsNewestFirst(data.resolve("experiment_1/window_1/checkpoints")).getFirst());
        assertTrue(state.tensors().keySet().stream().anyMatch(n -> n.startsWith(TrainingState.GRAD) && !n.contains("head.")),
                "the half-done accumulation of the whole network is saved: " + state.tensors().keySet());
        resumeUntilDone(tuneConfig(), data, "1");
        assertSameAs(tuneBaseline().resolve("experiment_0"), data.resolve("experiment_1"));
    }

    /** The uninterrupted {@code _tune} run, made by the first test that needs it. */
    static synchronized Path tuneBaseline() throws Exception {
        Path whole = dir.resolve("tune-baseline");
        if (!Files.exists(whole.resolve("experiment_0/window_1/done"))) {
            Outcome o = fit(tuneConfig(), whole, "0", null, null);
            assertEquals(0, o.exit(), o.output());
        }
        return whole;
    }

    @Test
    void killedDuringFeatureCachingResumesToIdenticalResults() throws Exception {
        killedThenResumed("kill-cache", "cache-batch@3=halt", null, 137);
    }

    @Test
    void killedMidEpochResumesFromTheLastCheckpointToIdenticalResults() throws Exception {
        // Batch 5 of window 0: optimizer step 2 of epoch 0 is checkpointed, one micro-batch of the next is lost.
        killedThenResumed("kill-mid-epoch", "train-batch@5=halt", null, 137);
    }

    @Test
    void killedBetweenWindowsResumesWithTheNextWindow() throws Exception {
        killedThenResumed("kill-between-windows", "window-done@1=halt", null, 137);
    }

    @Test
    void killedWhileWritingACheckpointKeepsThePreviousOneAndResumes() throws Exception {
        killedThenResumed("kill-in-checkpoint-write", "write:.ckpt@3=halt", null, 137);
        assertTrue(Files.exists(dir.resolve("kill-in-checkpoint-write/experiment_1/window_1/done")));
    }

    @Test
    void realSigkillInWindowOneResumesToIdenticalResults() throws Exception {
        killedThenResumed("sigkill-window-1", "train-batch@30=pause", p -> signal(p, "KILL"), 137);
    }

    @Test
    void sigtermSavesACheckpointBetweenTwoMicroBatchesAndStopsCleanly() throws Exception {
        // Paused after batch 8 (an optimizer step), the signal is seen after batch 9, the first micro-batch of the
        // next accumulation: the checkpoint holds its gradient.
        Path data = dir.resolve("sigterm");
        Outcome stopped = fit(data, "1", "train-batch@8=pause", p -> signal(p, "TERM"));
        assertEquals(143, stopped.exit(), stopped.output());
        assertTrue(stopped.output().contains("SIGTERM received; saving a checkpoint"), stopped.output());
        Path saved = ExperimentLayout.checkpointsNewestFirst(data.resolve("experiment_1/window_0/checkpoints")).getFirst();
        StateFile state = StateFile.read(saved);
        assertTrue(state.has("grad.head.weight"), "the half-done accumulation is saved: " + state.tensors().keySet());
        resumeUntilDone(data, "1");
        assertSameAsBaseline(data, "1");
    }

    @Test
    void ctrlCDuringFeatureCachingStopsCleanlyAndResumes() throws Exception {
        killedThenResumed("sigint-cache", "cache-batch@2=pause", p -> signal(p, "INT"), 130);
    }

    @Test
    void aFullDiskWhileWritingACheckpointNamesTheFileAndLosesNothing() throws Exception {
        Path data = dir.resolve("enospc");
        Outcome failed = fit(data, "1", "write:.ckpt@3=enospc", null);
        assertEquals(2, failed.exit(), failed.output());
        assertTrue(failed.output().contains("error: Cannot write " + data.resolve("experiment_1/window_0/checkpoints/epoch=1-step=6.ckpt")),
                failed.output());
        assertTrue(failed.output().contains("No space left on device"), failed.output());
        // The three checkpoints before it: the newest two are kept and verify.
        for (Path c : ExperimentLayout.checkpointsNewestFirst(data.resolve("experiment_1/window_0/checkpoints"))) {
            StateFile.read(c);
        }
        resumeUntilDone(data, "1");
        assertSameAsBaseline(data, "1");
    }

    @Test
    void aFullDiskWhileWritingPredictionsNamesTheFileAndKeepsTheCheckpoint() throws Exception {
        Path data = dir.resolve("enospc-predictions");
        Outcome failed = fit(data, "1", "write:predictions_validate_epoch@2=enospc", null);
        assertEquals(2, failed.exit(), failed.output());
        assertTrue(failed.output().contains("error: Cannot write "
                + data.resolve("experiment_1/window_1/predictions_validate_epoch=1-step=12.npz")), failed.output());
        StateFile.read(data.resolve("experiment_1/window_1/checkpoints/epoch=1-step=12.ckpt"));
        assertTrue(Files.exists(data.resolve("experiment_1/window_0/done")) && !Files.exists(data.resolve("experiment_1/window_1/done")));
        Outcome resumed = resumeUntilDone(data, "1");
        assertTrue(resumed.output().contains("window 1: its checkpoint"), "only the evaluation is redone:\n" + resumed.output());
        assertSameAsBaseline(data, "1");
    }

    @Test
    void aChangedConfigurationIsRefusedNamingTheKeyUnlessForced() throws Exception {
        Path data = dir.resolve("drift");
        assertEquals(137, fit(data, "1", "train-batch@3=halt", null).exit());
        Outcome refused = fit(data, "1", null, null, "--trainer.max_epochs=3");
        String out = refused.output();
        assertEquals(2, refused.exit(), out);
        assertTrue(out.contains("trainer.max_epochs (was 2, now 3)") && out.contains("--force"), out);
        Outcome forced = fit(data, "1", null, null, "--trainer.max_epochs=3", "--force");
        assertEquals(0, forced.exit(), forced.output());
        assertTrue(forced.output().contains("differs from") && forced.output().contains("(--force): trainer.max_epochs (was 2, now 3)"),
                forced.output());
    }

    @Test
    void aDatasetThatDisappearsMidRunStopsWithOneClearErrorAndResumesOnceBack() throws Exception {
        Path data = dir.resolve("vanishing");
        Path dataset = dir.resolve("dataset-copy");
        Path away = dir.resolve("dataset-away");
        copyTree(ProbeRunTest.HF_SMALL, dataset);
        Outcome failed = fit(data, "1", "cache-batch@2=pause", p -> move(dataset, away), "--dataset_path=" + dataset);
        assertEquals(2, failed.exit(), failed.output());
        assertTrue(failed.output().contains("error: the dataset '" + dataset + "' disappeared during the run"), failed.output());
        move(away, dataset);
        resumeUntilDone(data, "1", "--dataset_path=" + dataset);
        assertSameAsBaseline(data, "1");
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
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

    @Test
    void aReallyFullDiskStopsWithOneErrorNamingTheFileAndKeepsEverythingWrittenBefore() throws Exception {
        Path data = dir.resolve("tmpfs");
        Files.createDirectories(data);
        int mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", data.toString()).inheritIO().start().waitFor();
        org.junit.jupiter.api.Assumptions.assumeTrue(mounted == 0, "cannot mount a tmpfs here (needs root): the injected full disk"
                + " of aFullDiskWhileWritingACheckpointNamesTheFileAndLosesNothing covers this");
        try {
            // The feature cache lives elsewhere (GENBENCH_FEATURE_CACHE); the experiment fills the small disk.
            assertEquals(137, fit(data, "1", "window-done@1=halt", null).exit());
            Path window0 = data.resolve("experiment_1/window_0");
            var before = PredictionsFile.read(window0.resolve("predictions_validate_all.npz"));
            Path filler = data.resolve("filler");
            try (var out = Files.newOutputStream(filler)) {
                byte[] block = new byte[4096];
                while (true) {
                    out.write(block);
                    out.flush();
                }
            } catch (IOException full) {
                // the disk is full now
            }
            Outcome failed = fit(data, "1", null, null);
            assertEquals(2, failed.exit(), failed.output());
            String error = failed.output().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
            assertTrue(error.contains(data.toString()) && error.contains("No space left on device"), failed.output());
            assertEquals(1, failed.output().lines().filter(l -> l.startsWith("error: ")).count(), "one error");
            assertArrayEquals(before.fusedScores(), PredictionsFile.read(window0.resolve("predictions_validate_all.npz")).fusedScores());
            StateFile.read(ExperimentLayout.checkpointsNewestFirst(window0.resolve("checkpoints")).getFirst());
            assertTrue(Files.exists(window0.resolve("done")));
            Files.delete(filler);
            resumeUntilDone(data, "1");
            assertSameAsBaseline(data, "1");
        } finally {
            new ProcessBuilder("umount", data.toString()).inheritIO().start().waitFor();
        }
    }
}
