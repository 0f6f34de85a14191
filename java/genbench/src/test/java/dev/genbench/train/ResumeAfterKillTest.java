package dev.genbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.io.PredictionsFile;
import dev.genbench.io.StateFile;
import dev.genbench.train.GenbenchProcess.Outcome;
import dev.genbench.train.StoppableFit.Stop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    /** The fit command of the probe run, and of the same run with the backbone fine-tuned. */
    static StoppableFit probe;
    static StoppableFit tune;

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

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        probe = new StoppableFit(dir, ProbeRunTest.MODELS, List.of("--config", config().toString()), 2);
        tune = new StoppableFit(dir, ProbeRunTest.MODELS, List.of("--config", tuneConfig().toString()), 2);
        baseline = dir.resolve("baseline");
        Outcome o = probe.fit(baseline, "0", null, null);
        assertEquals(0, o.exit(), o.output());
    }

    /** Every window's predictions, final head and metrics equal the uninterrupted run's. */
    static void assertSameAsBaseline(Path data, String id) {
        probe.assertSameAs(baseline.resolve("experiment_0"), data.resolve("experiment_" + id));
    }

    private static void killedThenResumed(String name, Stop stop) throws Exception {
        Path data = dir.resolve(name);
        probe.stoppedThenResumed(data, "1", stop);
        assertSameAsBaseline(data, "1");
    }

    @Test
    void aTuneRunKilledMidEpochResumesToTheSameNetworkAndPredictions() throws Exception {
        // 12 samples x 2 replicas / batch 4 = 6 batches and 3 optimizer steps an epoch; the kill after batch 9
        // (epoch 1, batch 3) loses one micro-batch after the step-4 checkpoint.
        Path whole = tuneBaseline();
        Path data = dir.resolve("tune-kill-mid-epoch");
        Outcome killed = tune.fit(data, "1", "train-batch@9=halt", null);
        assertEquals(137, killed.exit(), killed.output());
        assertTrue(!Files.exists(data.resolve("experiment_1/window_0/done")), "stopped in window 0:\n" + killed.output());
        Outcome resumed = tune.fit(data, "1", null, null);
        assertEquals(0, resumed.exit(), resumed.output());
        assertTrue(resumed.output().contains("window 0: resuming at epoch 1, batch 2 of 6, optimizer step 4"), resumed.output());
        tune.assertSameAs(whole.resolve("experiment_0"), data.resolve("experiment_1"));
        for (int k = 0; k < 2; k++) {
            assertTrue(Files.exists(data.resolve("experiment_1/window_" + k + "/" + TuneRun.EXPORT_FILE)));
        }
    }

    @Test
    void aTuneRunStoppedBySigtermBetweenTwoMicroBatchesResumesToTheSameNetworkAndPredictions() throws Exception {
        // Window 0 takes 12 batches; paused after window 1's batch 2 (an optimizer step), the signal is seen after
        // batch 3, the first micro-batch of the next accumulation: the checkpoint holds the network's gradients.
        Path data = dir.resolve("tune-sigterm");
        Outcome stopped = tune.fit(data, "1", "train-batch@14=pause", p -> GenbenchProcess.signal(p, "TERM"));
        assertEquals(143, stopped.exit(), stopped.output());
        assertTrue(stopped.output().contains("SIGTERM received; saving a checkpoint"), stopped.output());
        StateFile state = StateFile.read(ExperimentLayout.checkpointsNewestFirst(data.resolve("experiment_1/window_1/checkpoints")).getFirst());
        assertTrue(state.tensors().keySet().stream().anyMatch(n -> n.startsWith(TrainingState.GRAD) && !n.contains("head.")),
                "the half-done accumulation of the whole network is saved: " + state.tensors().keySet());
        tune.resumeUntilDone(data, "1");
        tune.assertSameAs(tuneBaseline().resolve("experiment_0"), data.resolve("experiment_1"));
    }

    /** The uninterrupted {@code _tune} run, made by the first test that needs it. */
    static synchronized Path tuneBaseline() throws Exception {
        Path whole = dir.resolve("tune-baseline");
        if (!Files.exists(whole.resolve("experiment_0/window_1/done"))) {
            Outcome o = tune.fit(whole, "0", null, null);
            assertEquals(0, o.exit(), o.output());
        }
        return whole;
    }

    @Test
    void killedDuringFeatureCachingResumesToIdenticalResults() throws Exception {
        killedThenResumed("kill-cache", Stop.halt("cache-batch@3"));
    }

    @Test
    void killedMidEpochResumesFromTheLastCheckpointToIdenticalResults() throws Exception {
        // Batch 5 of window 0: optimizer step 2 of epoch 0 is checkpointed, one micro-batch of the next is lost.
        killedThenResumed("kill-mid-epoch", Stop.halt("train-batch@5"));
    }

    @Test
    void killedBetweenWindowsResumesWithTheNextWindow() throws Exception {
        killedThenResumed("kill-between-windows", Stop.halt("window-done@1"));
    }

    @Test
    void killedWhileWritingACheckpointKeepsThePreviousOneAndResumes() throws Exception {
        killedThenResumed("kill-in-checkpoint-write", Stop.halt("write:.ckpt@3"));
        assertTrue(Files.exists(dir.resolve("kill-in-checkpoint-write/experiment_1/window_1/done")));
    }

    @Test
    void realSigkillInWindowOneResumesToIdenticalResults() throws Exception {
        killedThenResumed("sigkill-window-1", Stop.signal("train-batch@30", "KILL"));
    }

    @Test
    void sigtermSavesACheckpointBetweenTwoMicroBatchesAndStopsCleanly() throws Exception {
        // Paused after batch 8 (an optimizer step), the signal is seen after batch 9, the first micro-batch of the
        // next accumulation: the checkpoint holds its gradient.
        Path data = dir.resolve("sigterm");
        Outcome stopped = probe.fit(data, "1", "train-batch@8=pause", p -> GenbenchProcess.signal(p, "TERM"));
        assertEquals(143, stopped.exit(), stopped.output());
        assertTrue(stopped.output().contains("SIGTERM received; saving a checkpoint"), stopped.output());
        Path saved = ExperimentLayout.checkpointsNewestFirst(data.resolve("experiment_1/window_0/checkpoints")).getFirst();
        StateFile state = StateFile.read(saved);
        assertTrue(state.has("grad.head.weight"), "the half-done accumulation is saved: " + state.tensors().keySet());
        probe.resumeUntilDone(data, "1");
        assertSameAsBaseline(data, "1");
    }

    @Test
    void ctrlCDuringFeatureCachingStopsCleanlyAndResumes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(GenbenchProcess.sigintIgnored(), "this test runs with SIGINT ignored (started"
                + " in the background by a shell without job control), so its genbench processes cannot receive Ctrl-C");
        killedThenResumed("sigint-cache", Stop.signal("cache-batch@2", "INT"));
    }

    @Test
    void aFullDiskWhileWritingACheckpointNamesTheFileAndLosesNothing() throws Exception {
        Path data = dir.resolve("enospc");
        Outcome failed = probe.fit(data, "1", "write:.ckpt@3=enospc", null);
        assertEquals(2, failed.exit(), failed.output());
        assertTrue(failed.output().contains("error: Cannot write " + data.resolve("experiment_1/window_0/checkpoints/epoch=1-step=6.ckpt")),
                failed.output());
        assertTrue(failed.output().contains("No space left on device"), failed.output());
        // The three checkpoints before it: the newest two are kept and verify.
        for (Path c : ExperimentLayout.checkpointsNewestFirst(data.resolve("experiment_1/window_0/checkpoints"))) {
            StateFile.read(c);
        }
        probe.resumeUntilDone(data, "1");
        assertSameAsBaseline(data, "1");
    }

    @Test
    void aFullDiskWhileWritingPredictionsNamesTheFileAndKeepsTheCheckpoint() throws Exception {
        Path data = dir.resolve("enospc-predictions");
        Outcome failed = probe.fit(data, "1", "write:predictions_validate_epoch@2=enospc", null);
        assertEquals(2, failed.exit(), failed.output());
        assertTrue(failed.output().contains("error: Cannot write "
                + data.resolve("experiment_1/window_1/predictions_validate_epoch=1-step=12.npz")), failed.output());
        StateFile.read(data.resolve("experiment_1/window_1/checkpoints/epoch=1-step=12.ckpt"));
        assertTrue(Files.exists(data.resolve("experiment_1/window_0/done")) && !Files.exists(data.resolve("experiment_1/window_1/done")));
        Outcome resumed = probe.resumeUntilDone(data, "1");
        assertTrue(resumed.output().contains("window 1: its checkpoint"), "only the evaluation is redone:\n" + resumed.output());
        assertSameAsBaseline(data, "1");
    }

    @Test
    void aChangedConfigurationIsRefusedNamingTheKeyUnlessForced() throws Exception {
        Path data = dir.resolve("drift");
        assertEquals(137, probe.fit(data, "1", "train-batch@3=halt", null).exit());
        Outcome refused = probe.fit(data, "1", null, null, "--trainer.max_epochs=3");
        String out = refused.output();
        assertEquals(2, refused.exit(), out);
        assertTrue(out.contains("trainer.max_epochs (was 2, now 3)") && out.contains("--force"), out);
        Outcome forced = probe.fit(data, "1", null, null, "--trainer.max_epochs=3", "--force");
        assertEquals(0, forced.exit(), forced.output());
        assertTrue(forced.output().contains("differs from") && forced.output().contains("(--force): trainer.max_epochs (was 2, now 3)"),
                forced.output());
    }

    @Test
    void aDatasetThatDisappearsMidRunStopsWithOneClearErrorAndResumesOnceBack() throws Exception {
        Path data = dir.resolve("vanishing");
        Path dataset = dir.resolve("dataset-copy");
        Path away = dir.resolve("dataset-away");
        StoppableFit.copyTree(ProbeRunTest.HF_SMALL, dataset);
        Outcome failed = probe.fit(data, "1", "cache-batch@2=pause", p -> move(dataset, away), "--dataset_path=" + dataset);
        assertEquals(2, failed.exit(), failed.output());
        assertTrue(failed.output().contains("error: the dataset '" + dataset + "' disappeared during the run"), failed.output());
        move(away, dataset);
        probe.resumeUntilDone(data, "1", "--dataset_path=" + dataset);
        assertSameAsBaseline(data, "1");
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
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
            assertEquals(137, probe.fit(data, "1", "window-done@1=halt", null).exit());
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
            Outcome failed = probe.fit(data, "1", null, null);
            assertEquals(2, failed.exit(), failed.output());
            String error = failed.output().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
            assertTrue(error.contains(data.toString()) && error.contains("No space left on device"), failed.output());
            assertEquals(1, failed.output().lines().filter(l -> l.startsWith("error: ")).count(), "one error");
            assertArrayEquals(before.fusedScores(), PredictionsFile.read(window0.resolve("predictions_validate_all.npz")).fusedScores());
            StateFile.read(ExperimentLayout.checkpointsNewestFirst(window0.resolve("checkpoints")).getFirst());
            assertTrue(Files.exists(window0.resolve("done")));
            Files.delete(filler);
            probe.resumeUntilDone(data, "1");
            assertSameAsBaseline(data, "1");
        } finally {
            new ProcessBuilder("umount", data.toString()).inheritIO().start().waitFor();
        }
    }
}
