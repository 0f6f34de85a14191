package dev.genbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.genbench.models.ModelCatalogue;
import dev.genbench.train.GenbenchProcess.Outcome;
import dev.genbench.train.StoppableFit.Stop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command on the real mini benchmark, stopped and resumed: the default probe config
 * ({@code mobilenetv2_nsfw_probe_multicrop.yaml}) with the sliding-windows config, in processes of their own,
 * killed ({@code kill -9}: a fault point that halts the JVM, or a real SIGKILL while the run is paused there)
 * during feature caching, mid-epoch, between windows and while writing a checkpoint, and stopped by SIGTERM;
 * each time the same command runs again, and the final predictions, models and metrics of all 3 windows must be
 * identical to an uninterrupted run's. The same for the mini benchmark's {@code _tune} config.
 *
 * <p>Reduced so that it takes minutes on 2 cores: 2 epochs a window (1 for {@code _tune}, at 32x32 inputs), 1 augmented
 * replica per training image, a checkpoint every 2 optimizer steps. Batches of 64 give windows 0, 1, 2 3, 7
 * and 11 training batches an epoch (probe), so a run's training batches 1-6 are window 0's, 7-20 window 1's,
 * 21-42 window 2's. The uninterrupted run fills a feature cache that every case copies, except the one killed
 * during caching, which starts with an empty cache.
 */
@Tag("slow")
class MiniBenchmarkResumeTest {
    static final Path REPO = DetectorEndToEndTest.REPO;
    static final Path DATASET = REPO.resolve("datasets/mini_genbench");
    static final Path MODELS = REPO.resolve("models/onnx");

    @TempDir
    static Path dir;
    static StoppableFit probe;
    static StoppableFit tune;
    static Path baseline;

    static List<String> arguments(String modelConfig, int epochs, String... overrides) {
        List<String> args = new ArrayList<>(List.of(
                "--config", REPO.resolve("configs/mini_benchmark/mini_benchmark_sliding_windows.yaml").toString(),
                "--config", REPO.resolve("configs/mini_benchmark/" + modelConfig).toString(),
                "--data.init_args.dataset_loader.init_args.dataset_path=" + DATASET,
                "--trainer.max_epochs=" + epochs, "--data.init_args.augmentation_factor=1", "--checkpoint_callback.every_n_train_steps=2"));
        args.addAll(List.of(overrides));
        return args;
    }

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        String missing = !Files.isRegularFile(DATASET.resolve("dataset_dict.json")) ? "the mini benchmark (datasets/mini_genbench)"
                : !Files.isRegularFile(ModelCatalogue.load(MODELS).resolve("mobilenetv2_nsfw_probe").onnxFile())
                        ? "the converted nsfwjs MobileNetV2 (models/onnx/mobilenetv2_nsfw_early6.onnx)" : null;
        if (missing != null) {
            System.out.println("MiniBenchmarkResumeTest skipped: " + missing + " is not built; ./genbench make-mini-benchmark"
                    + " (or the README's main command) builds it");
        }
        assumeTrue(missing == null, missing + " is not built; run ./genbench make-mini-benchmark (or the README's main command)");
        probe = new StoppableFit(dir, MODELS, arguments("mobilenetv2_nsfw_probe_multicrop.yaml", 2), 3);
        tune = new StoppableFit(dir, MODELS, arguments("mobilenetv2_nsfw_tune_resize.yaml", 1, "--model.init_args.model_input_size=32"), 3);
        baseline = dir.resolve("baseline");
        Outcome o = probe.fit(baseline, "0", null, null);
        assertEquals(0, o.exit(), o.output());
    }

    /** A data folder for case {@code name} whose feature cache starts as a copy of the uninterrupted run's. */
    static Path withCachedFeatures(String name) throws Exception {
        Path data = dir.resolve(name);
        StoppableFit.copyTree(probe.cache(baseline), probe.cache(data));
        return data;
    }

    /** Stops the probe run of case {@code name} (experiment id {@code name}) by each stop in turn, resumes it, compares it. */
    static List<Outcome> stoppedThenResumed(Path data, Stop... stops) throws Exception {
        String id = data.getFileName().toString();
        List<Outcome> runs = probe.stoppedThenResumed(data, id, stops);
        probe.assertSameAs(baseline.resolve("experiment_0"), data.resolve("experiment_" + id));
        return runs;
    }

    static void assertSaid(Outcome run, String text) {
        assertTrue(run.output().contains(text), "expected '" + text + "' in:\n" + run.output());
    }

    @Test
    void killedThreeTimesDuringFeatureCachingResumesToIdenticalResults() throws Exception {
        // An empty cache. Run 1 halts after 2 of window 0's 4 batches of training rows; run 2 finishes them and is
        // stopped by SIGTERM after the first batch of the validation rows (12 batches of up to 64 images x 5 crops); run 3
        // finishes those, trains window 0 and gets a real SIGKILL while caching window 1's training rows.
        Path data = dir.resolve("kill-in-caching");
        var runs = stoppedThenResumed(data, Stop.halt("cache-batch@2"), Stop.signal("cache-batch@3", "TERM"),
                Stop.signal("cache-batch@14", "KILL"));
        assertSaid(runs.get(0), "window 0 training features: computing 240 of 240 feature rows");
        assertSaid(runs.get(1), "validation features: computing 720 of 3600 feature rows");
        assertSaid(runs.get(2), "validation features: computing 656 of 3600 feature rows"); // the first 64 images were kept
        assertSaid(runs.get(2), "window 1 training features: computing 480 of 480 feature rows");
        assertSaid(runs.get(3), "window 1 training features: computing");
    }

    @Test
    void killedMidEpochThenSigkilledInTheLastWindowResumesToIdenticalResults() throws Exception {
        // Run 1 halts after batch 5 (window 0, epoch 1): the step-4 checkpoint is the newest, one step is lost.
        // Run 2 redoes window 0's last 2 batches and all of window 1 (14), and is killed after window 2's ninth batch
        // (its step-8 checkpoint is the newest).
        var runs = stoppedThenResumed(withCachedFeatures("kill-mid-epoch"), Stop.halt("train-batch@5"),
                Stop.signal("train-batch@25", "KILL"));
        assertSaid(runs.get(1), "window 0: resuming at epoch 1, batch 1 of 3, optimizer step 4");
        assertSaid(runs.get(2), "window 2: resuming at epoch 0, batch 8 of 11, optimizer step 8");
    }

    @Test
    void killedBetweenWindowsResumesWithTheNextWindow() throws Exception {
        // Halted once window 0 is marked done; then a real SIGKILL once window 1 is.
        var runs = stoppedThenResumed(withCachedFeatures("kill-between-windows"), Stop.halt("window-done@1"),
                Stop.signal("window-done@1", "KILL"));
        assertTrue(!runs.get(1).output().contains("window 0 epoch"), "window 0 is not trained again:\n" + runs.get(1).output());
        assertTrue(!runs.get(2).output().contains("window 1 epoch"), "window 1 is not trained again:\n" + runs.get(2).output());
    }

    @Test
    void killedWhileWritingCheckpointsKeepsThePreviousOnesAndResumes() throws Exception {
        // Each kill comes after a checkpoint's data is written and before its rename: run 1 in window 0's step-4
        // checkpoint, run 2 (from step 2) in window 0's end-of-window checkpoint, run 3 (a real SIGKILL) in window 1's
        // step-6 checkpoint.
        var runs = stoppedThenResumed(withCachedFeatures("kill-in-checkpoint-write"), Stop.halt("write:.ckpt@2"),
                Stop.halt("write:.ckpt@2"), Stop.signal("write:.ckpt@4", "KILL"));
        assertSaid(runs.get(1), "window 0: resuming at epoch 0, batch 2 of 3, optimizer step 2");
        assertSaid(runs.get(2), "window 0: resuming at epoch 1, batch 1 of 3, optimizer step 4");
        assertSaid(runs.get(3), "window 1: resuming at epoch 0, batch 4 of 7, optimizer step 4");
    }

    @Test
    void sigtermSavesACheckpointMidEpochAndStopsCleanlyTwice() throws Exception {
        // Paused after batch 4, the signal is seen after batch 5: a checkpoint at step 5, off the every-2-steps
        // schedule. Run 2 redoes window 0's last batch and is stopped the same way in window 1 (its batch 8, seen after 9).
        var runs = stoppedThenResumed(withCachedFeatures("sigterm"), Stop.signal("train-batch@4", "TERM"),
                Stop.signal("train-batch@9", "TERM"));
        assertSaid(runs.get(0), "SIGTERM received; saving a checkpoint");
        assertSaid(runs.get(1), "window 0: resuming at epoch 1, batch 2 of 3, optimizer step 5");
        assertSaid(runs.get(2), "window 1: resuming at epoch 1, batch 2 of 7, optimizer step 9");
    }

    @Test
    void aTuneRunKilledMidEpochAndStoppedBySigtermResumesToTheSameNetworksAndPredictions() throws Exception {
        // One epoch a window, batches of 32 at 32x32: windows 0, 1, 2 have 7, 15 and 22 batches. Run 1 halts after
        // batch 5 (the step-4 checkpoint is the newest); run 2 redoes window 0's last 3 batches and is paused after
        // window 1's batch 7: SIGTERM is seen after batch 8, whose optimizer step the saved checkpoint holds.
        Path whole = dir.resolve("tune-baseline");
        Outcome o = tune.fit(whole, "0", null, null);
        assertEquals(0, o.exit(), o.output());
        Path data = dir.resolve("tune-stopped");
        var runs = tune.stoppedThenResumed(data, "1", Stop.halt("train-batch@5"), Stop.signal("train-batch@10", "TERM"));
        tune.assertSameAs(whole.resolve("experiment_0"), data.resolve("experiment_1"));
        assertSaid(runs.get(1), "window 0: resuming at epoch 0, batch 4 of 7, optimizer step 4");
        assertSaid(runs.get(2), "window 1: resuming at epoch 0, batch 8 of 15, optimizer step 8");
        for (int k = 0; k < 3; k++) {
            assertTrue(Files.exists(data.resolve("experiment_1/window_" + k + "/" + TuneRun.EXPORT_FILE)), "window " + k);
        }
    }
}
