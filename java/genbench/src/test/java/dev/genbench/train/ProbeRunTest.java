package dev.genbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.cli.Main;
import dev.genbench.console.Log;
import dev.genbench.io.PredictionsFile;
import dev.genbench.io.TensorBoardEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code genbench fit} with a probe, end to end on the small Arrow fixture (Arrow written by the JS
 * implementation, real JPEG/PNG bytes) and the tiny two-output backbone made by torch: every window
 * trained, validated, checkpointed and marked done, in the original's layout; a second experiment reuses
 * the feature cache and gives the same predictions; an interrupted window resumes.
 */
class ProbeRunTest {
    static final Path HF_SMALL = TinyProbeConfig.HF_SMALL;
    static final Path MODELS = TinyProbeConfig.MODELS;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream previousLog;

    @BeforeEach
    void captureLog() {
        previousLog = Log.redirect(new PrintStream(log, true, StandardCharsets.UTF_8));
        System.setProperty("genbench.models", MODELS.toString());
    }

    @AfterEach
    void restoreLog() {
        Log.redirect(previousLog);
        System.clearProperty("genbench.models");
    }

    /** model.class_path of the config written by {@link #config()}; a test may set a plug-in's. */
    private String modelClassPath = "algorithms.BaseDeepfakeDetectionModel";

    private Path config() throws IOException {
        return TinyProbeConfig.write(dir, modelClassPath, "[]");
    }

    private int fit(String... extra) throws IOException {
        return command("fit", extra);
    }

    private int command(String name, String... extra) throws IOException {
        String[] args = Stream.concat(Stream.of(name, "--config", config().toString()), Stream.of(extra)).toArray(String[]::new);
        var cli = Main.commandLine();
        var err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        assertEquals(0, code, err + log.toString(StandardCharsets.UTF_8));
        return code;
    }

    @Test
    void everyWindowIsTrainedValidatedAndMarkedDoneInTheOriginalLayout() throws IOException {
        fit();
        Path experiment = dir.resolve("data/experiment_0");
        for (int k = 0; k < 2; k++) {
            Path window = experiment.resolve("window_" + k);
            assertTrue(Files.exists(window.resolve("done")), "window " + k + " done");
            assertTrue(Files.exists(window.resolve("fit_config.yaml")));
            assertTrue(Files.exists(window.resolve("experiment_parameters.yaml")));
            assertTrue(Files.exists(window.resolve("predictions_validate_all.npz")));
            assertTrue(Files.exists(window.resolve("checkpoints/epoch=1-step=" + (12 * (k + 1)) + ".ckpt")),
                    "window " + k + " trains 12 samples x 2 replicas / batch 4 = 6 steps per epoch, doubled in window 1");
            java.util.Set<String> tags = new java.util.HashSet<>();
            try (var files = Files.list(dir.resolve("logs/experiment_0/window_" + k))) {
                for (Path f : files.toList()) {
                    TensorBoardEvents.readScalars(f).forEach(s -> tags.add(s.tag()));
                }
            }
            assertTrue(tags.contains("train_loss_step"), tags.toString());
            assertTrue(tags.contains("immediate_future_validate_BinaryAUROC_epoch/all"), tags.toString());
            assertTrue(tags.contains("train_images_per_sec"), tags.toString());
        }
        assertEquals("12", Files.readString(experiment.resolve("window_0/step_tracker")));
        assertEquals("36", Files.readString(experiment.resolve("window_1/step_tracker")), "window 1 logs after window 0's 12 steps");
        PredictionsFile p = PredictionsFile.read(experiment.resolve("window_1/predictions_validate_all.npz"));
        assertEquals(16, p.images(), "the balanced, shuffled validation set");
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("next-period AUROC (mean over windows 0..0)"), printed);
    }

    @Test
    void aSecondExperimentReusesTheFeatureCacheAndGivesTheSamePredictions() throws IOException {
        fit();
        log.reset();
        fit();
        String second = log.toString(StandardCharsets.UTF_8);
        assertTrue(second.contains("window 0 training features: all 24 feature rows cached"), second);
        assertTrue(second.contains("validation features: all 16 feature rows cached"), second);
        assertTrue(!second.contains("computing"), "no backbone pass the second time:\n" + second);
        for (int k = 0; k < 2; k++) {
            var a = PredictionsFile.read(dir.resolve("data/experiment_0/window_" + k + "/predictions_validate_all.npz"));
            var b = PredictionsFile.read(dir.resolve("data/experiment_1/window_" + k + "/predictions_validate_all.npz"));
            assertArrayEquals(a.fusedScores(), b.fusedScores(), "window " + k);
        }
    }

    @Test
    void anInterruptedWindowIsCompletedWhenTheSameCommandRunsAgain() throws IOException {
        fit();
        Path window1 = dir.resolve("data/experiment_0/window_1");
        Files.delete(window1.resolve("done"));
        log.reset();
        fit("--experiment_info.experiment_id", "0");
        assertTrue(Files.exists(window1.resolve("done")));
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("window 1: its checkpoint"), printed);
        assertTrue(!printed.contains("window 0:"), "window 0 is done and is not run again:\n" + printed);
    }

    @Test
    void aWindowResumedFromAMidWindowCheckpointEndsWithTheSamePredictionsAndHead() throws IOException {
        fit("--checkpoint_callback.every_n_train_steps=5", "--trainer.accumulate_grad_batches=2");
        Path window1 = dir.resolve("data/experiment_0/window_1");
        var whole = PredictionsFile.read(window1.resolve("predictions_validate_all.npz"));
        var wholeHead = dev.genbench.io.StateFile.read(window1.resolve("checkpoints/epoch=1-step=12.ckpt"));
        // Undo the end of window 1 as if the run had been killed after its step-10 checkpoint (epoch 1).
        Files.delete(window1.resolve("done"));
        Files.delete(window1.resolve("checkpoints/epoch=1-step=12.ckpt"));
        try (var files = Files.list(window1)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("predictions_")).toList()) {
                Files.delete(f);
            }
        }
        var mid = dev.genbench.io.StateFile.read(window1.resolve("checkpoints/epoch=1-step=10.ckpt"));
        assertEquals(false, mid.metadata().get("training_complete"));
        assertTrue(mid.has("optimizer.head.weight.momentum_buffer"), mid.tensors().keySet().toString());
        log.reset();
        fit("--experiment_info.experiment_id", "0", "--checkpoint_callback.every_n_train_steps=5", "--trainer.accumulate_grad_batches=2");
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("window 1: resuming at epoch 1, batch 8 of 12, optimizer step 10"), printed);
        var resumed = PredictionsFile.read(window1.resolve("predictions_validate_all.npz"));
        assertArrayEquals(whole.fusedScores(), resumed.fusedScores());
        assertArrayEquals(whole.fusedLosses(), resumed.fusedLosses());
        var resumedHead = dev.genbench.io.StateFile.read(window1.resolve("checkpoints/epoch=1-step=12.ckpt"));
        assertArrayEquals(wholeHead.floats("head.weight"), resumedHead.floats("head.weight"));
    }

    @Test
    void aWindowAskedForThatIsDoneIsNotTrainedAgainNorIsTheNextOne() throws IOException {
        fit();
        log.reset();
        fit("--experiment_info.experiment_id", "0", "--experiment_info.sliding_windows_definition.current_window", "0");
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("window 0 of experiment 0 is already done"), printed);
        assertTrue(!printed.contains("window 1:"), printed);
    }

    @Test
    void validateAndTestOnTheSavedCheckpointsReproduceThePredictions() throws IOException {
        fit();
        Path window0 = dir.resolve("data/experiment_0/window_0");
        var written = PredictionsFile.read(window0.resolve("predictions_validate_all.npz"));
        Files.delete(window0.resolve("predictions_validate_all.npz"));
        command("validate", "--experiment_info.experiment_id", "0");
        var again = PredictionsFile.read(window0.resolve("predictions_validate_all.npz"));
        assertArrayEquals(written.fusedScores(), again.fusedScores());
        assertArrayEquals(written.fusedIdentifiers(), again.fusedIdentifiers());
        assertArrayEquals(written.pairing(), again.pairing());

        command("test", "--experiment_info.experiment_id", "0");
        var test = PredictionsFile.read(window0.resolve("predictions_test_all.npz"));
        assertArrayEquals(written.fusedIdentifiers(), test.fusedIdentifiers(), "test reads the same images in the same order (SPEC §3.4)");
        assertTrue(Files.exists(window0.resolve("test_config.yaml")));

        command("predict", "--experiment_info.experiment_id", "0", "--experiment_info.sliding_windows_definition.current_window", "1");
        var predict = PredictionsFile.read(dir.resolve("data/experiment_0/window_1/predictions_predict_all.npz"));
        assertEquals(16, predict.images(), "predict scores the whole filtered validation split");
        for (long p : predict.pairing()) {
            assertEquals(-1, p);
        }
    }

    @Test
    void twoShardsOfCacheFeaturesFillTheCacheThatFitThenReads() throws IOException {
        command("cache-features", "--shard", "0/2");
        String first = log.toString(StandardCharsets.UTF_8);
        assertTrue(first.contains("window 1 training features: computing"), first);
        command("cache-features", "--shard", "1/2");
        log.reset();
        fit();
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(!printed.contains("computing"), "the shards filled every row:\n" + printed);
        assertTrue(printed.contains("window 1 training features: all 48 feature rows cached"), printed);
    }

    @Test
    void multicropEvaluationCachesFiveCropsPerImageAndFusesTheirScores() throws IOException {
        fit("--model.init_args.evaluation_cropping_strategy=multicrop");
        var p = PredictionsFile.read(dir.resolve("data/experiment_0/window_0/predictions_validate_all.npz"));
        assertEquals(16, p.images());
        int[] cropsOf = new int[p.images()];
        double[] sums = new double[p.images()];
        for (int c = 0; c < p.crops(); c++) {
            int image = Math.toIntExact(p.cropToImageIndex()[c]);
            cropsOf[image]++;
            sums[image] += p.cropScores()[c];
        }
        int fiveCrop = 0;
        for (int i = 0; i < p.images(); i++) {
            assertTrue(cropsOf[i] == 5 || cropsOf[i] == 1,
                    "five crops, or one centre crop for an image with a side not above the 16x16 input (SPEC §6.4)");
            fiveCrop += cropsOf[i] == 5 ? 1 : 0;
            assertEquals(sums[i] / cropsOf[i], p.fusedScores()[i], 1e-6, "the image score is the mean of its crops' scores");
        }
        assertTrue(fiveCrop > 0 && fiveCrop < 16, "the fixture mixes small and large images: " + fiveCrop);
        log.reset();
        command("validate", "--experiment_info.experiment_id", "0", "--model.init_args.evaluation_cropping_strategy=multicrop");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("validate features: all 80 feature rows cached"),
                log.toString(StandardCharsets.UTF_8));
    }

    /** A model.class_path plug-in, compiled here into its own jar: fit and cache-features run through its extractor. */
    @Test
    void aPluginFromASeparatelyCompiledJarRunsFitAndCacheFeatures() throws IOException {
        Path jar = PluginJar.compile(dir.resolve("plugin-build"), "example.plugin.NegatedFeatures", """
                package example.plugin;

                import dev.genbench.models.FeatureExtractor;
                import dev.genbench.models.ModelCard;
                import dev.genbench.extension.DetectorModule;
                import java.nio.FloatBuffer;

                /** Negates the card backbone's features and counts the images it saw. */
                public class NegatedFeatures implements DetectorModule {
                    @Override
                    public FeatureExtractor featureExtractor(FeatureExtractor backbone) {
                        return new FeatureExtractor() {
                            @Override public ModelCard card() { return backbone.card(); }
                            @Override public void run(FloatBuffer pixels, int batch, FloatBuffer features) {
                                int start = features.position();
                                backbone.run(pixels, batch, features);
                                for (int i = start; i < features.position(); i++) {
                                    features.put(i, -features.get(i));
                                }
                                System.setProperty("example.plugin.images",
                                        String.valueOf(Long.getLong("example.plugin.images", 0) + batch));
                            }
                            @Override public void close() { backbone.close(); }
                        };
                    }
                }
                """);
        System.setProperty("genbench.plugins", jar.toString());
        System.clearProperty("example.plugin.images");
        try {
            fit();
            long standardCaches = countCaches();
            modelClassPath = "example.plugin.NegatedFeatures";
            command("cache-features");
            assertEquals(24 + 48 + 16, Long.getLong("example.plugin.images", 0),
                    "the plug-in computed window 0's 24 and window 1's 48 training rows and the 16 validation rows");
            assertEquals(2 * standardCaches, countCaches(), "the plug-in's features live in caches of their own");
            log.reset();
            fit();
            String printed = log.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("model.class_path example.plugin.NegatedFeatures: a plug-in module"), printed);
            assertTrue(!printed.contains("computing"), "fit reads what cache-features filled:\n" + printed);
            assertTrue(Files.exists(dir.resolve("data/experiment_1/window_1/done")), printed);
        } finally {
            System.clearProperty("genbench.plugins");
        }
    }

    @Test
    void anUnknownModelClassIsAnErrorThatNamesThePluginsAndTheNearestBuiltIn() throws IOException {
        System.setProperty("genbench.plugins", dir.resolve("empty-plugins").toString());
        Files.createDirectories(dir.resolve("empty-plugins"));
        try {
            var cli = Main.commandLine();
            var err = new StringWriter();
            cli.setErr(new PrintWriter(err, true));
            modelClassPath = "algorithms.BaseDeepfakeDetectionModle";
            int code = cli.execute("fit", "--config", config().toString());
            assertEquals(2, code, err.toString());
            assertTrue(err.toString().contains("model.class_path 'algorithms.BaseDeepfakeDetectionModle' is not a class genbench"
                    + " knows, and it was not found on the plug-in path: searched genbench and ["), err.toString());
            assertTrue(err.toString().contains("did you mean 'algorithms.BaseDeepfakeDetectionModel'?"), err.toString());
        } finally {
            System.clearProperty("genbench.plugins");
        }
    }

    private long countCaches() throws IOException {
        try (var s = Files.list(dir.resolve("data/feature_cache"))) {
            return s.count();
        }
    }
}
