package dev.genbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.cli.Main;
import dev.genbench.console.Log;
import dev.genbench.io.PredictionsFile;
import dev.genbench.io.StateFile;
import dev.genbench.io.TensorBoardEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detection module's extension API end to end: user classes written here as source, compiled with
 * javax.tools into a jar of their own and loaded with {@code --classpath}, change what {@code fit} computes
 * (score fusion, metrics, training step, optimizer, augmentations, evaluation views) and watch it
 * (callbacks); mistakes give errors that name the class, the key and where genbench looked.
 */
class ExtensionPluginsTest {

    /** The plug-in classes, as a user would write them against genbench's jar. */
    private static final Map<String, String> SOURCES = new LinkedHashMap<>();

    static {
        SOURCES.put("example.ext.MinFusion", """
                package example.ext;

                import dev.genbench.extension.DetectorModule;
                import dev.genbench.extension.MetricRegistry;

                /** An image is as fake as its least fake crop; logs the lowest and highest image score. */
                public class MinFusion implements DetectorModule {
                    @Override
                    public float fuseScores(float[] cropScores) {
                        float min = Float.POSITIVE_INFINITY;
                        for (float s : cropScores) min = Math.min(min, s);
                        return min;
                    }

                    @Override
                    public void registerMetrics(MetricRegistry registry) {
                        registry.add("MinScore", images -> {
                            double min = Double.POSITIVE_INFINITY;
                            for (float s : images.scores()) min = Math.min(min, s);
                            return min;
                        });
                        registry.add("MaxScore", images -> {
                            double max = Double.NEGATIVE_INFINITY;
                            for (float s : images.scores()) max = Math.max(max, s);
                            return max;
                        });
                    }
                }
                """);
        SOURCES.put("example.ext.Recorder", """
                package example.ext;

                import dev.genbench.extension.Callback;
                import java.io.IOException;
                import java.io.UncheckedIOException;
                import java.nio.file.Files;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;
                import java.util.Map;

                /** Appends one line per hook to init_args.file. */
                public class Recorder implements Callback {
                    private final Path file;

                    public Recorder(Map<String, Object> initArgs) {
                        if (!initArgs.containsKey("file")) throw new IllegalArgumentException("init_args.file is required");
                        this.file = Path.of(initArgs.get("file").toString());
                    }

                    private void line(String text) {
                        try {
                            Files.writeString(file, text + "\\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }

                    @Override public void onFitStart(FitInfo fit) { line("fit_start " + fit.windows()); }
                    @Override public void onWindowStart(int window) { line("window_start " + window); }
                    @Override public void onTrainEpochEnd(int window, int epoch, double loss) { line("epoch_end " + window + " " + epoch); }
                    @Override public void onCheckpointSaved(int window, Path ckpt) { line("checkpoint " + window + " " + ckpt.getFileName()); }
                    @Override public void onValidationEnd(EvaluationResult r) {
                        line("validation_end " + r.window() + " " + r.predictionsFile().getFileName() + " MinScore="
                                + r.metrics().containsKey("validate_MinScore_epoch/all"));
                    }
                    @Override public void onWindowEnd(int window) { line("window_end " + window); }
                    @Override public void onFitEnd(FitInfo fit) { line("fit_end"); }
                    @Override public void onException(Throwable error) { line("exception " + error.getMessage()); }
                }
                """);
        SOURCES.put("example.ext.ZeroLoss", """
                package example.ext;

                import dev.genbench.engine.Ops;
                import dev.genbench.engine.Tensor;
                import dev.genbench.extension.DetectorModule;
                import dev.genbench.extension.TrainingBatch;

                /** The default loss times zero: no gradient, so the head never moves (no weight decay configured). */
                public class ZeroLoss implements DetectorModule {
                    @Override
                    public Tensor trainingStep(TrainingBatch batch) {
                        if (batch.features() == null) throw new IllegalStateException("a probe batch carries its features");
                        Tensor loss = DetectorModule.super.trainingStep(batch);
                        return Ops.mul(loss, Ops.scalar(loss, 0));
                    }
                }
                """);
        SOURCES.put("example.ext.ZeroLr", """
                package example.ext;

                import dev.genbench.engine.optim.Optimizer;
                import dev.genbench.engine.optim.Optimizers;
                import dev.genbench.extension.DetectorModule;
                import dev.genbench.extension.LrSchedule;
                import dev.genbench.extension.OptimizerContext;
                import dev.genbench.extension.OptimizerSetup;

                /** The configured optimizer with a constant learning rate of zero: the head never moves. */
                public class ZeroLr implements DetectorModule {
                    @Override
                    public OptimizerSetup configureOptimizers(OptimizerContext context) {
                        Optimizer sgd = Optimizers.create(context.optimizer().classPath(), context.optimizerInitArgs(), context.parameters());
                        return new OptimizerSetup(sgd, LrSchedule.constant(sgd, 0));
                    }
                }
                """);
        SOURCES.put("example.ext.GrayTraining", """
                package example.ext;

                import dev.genbench.extension.DetectorModule;
                import dev.genbench.image.ImageOp;
                import dev.genbench.image.RandomGrayscale;
                import java.util.ArrayList;
                import java.util.List;

                /** The baseline augmentations and one more grayscale step. */
                public class GrayTraining implements DetectorModule {
                    @Override
                    public List<ImageOp> trainingAugmentations(List<ImageOp> standard) {
                        List<ImageOp> steps = new ArrayList<>(standard);
                        steps.add(new RandomGrayscale(0.5));
                        return steps;
                    }
                }
                """);
        SOURCES.put("example.ext.TwoViews", """
                package example.ext;

                import dev.genbench.extension.DetectorModule;
                import dev.genbench.extension.EvaluationCrops;
                import dev.genbench.image.Crops;
                import dev.genbench.image.Interpolation;
                import java.util.List;
                import org.bytedeco.opencv.opencv_core.Mat;

                /** Two views of each evaluation image: the whole image resized, and its centre crop. */
                public class TwoViews implements DetectorModule {
                    @Override
                    public EvaluationCrops evaluationCrops(EvaluationCrops standard) {
                        return new EvaluationCrops() {
                            @Override public List<Mat> crops(Mat image) {
                                return List.of(Interpolation.BILINEAR.resizeAntialiased(image, 16, 16), Crops.center(image, 16, 16));
                            }
                            @Override public int maxCrops() { return 2; }
                            @Override public String key() { return "resize+center 16"; }
                        };
                    }
                }
                """);
        SOURCES.put("example.ext.FailsInWindow1", """
                package example.ext;

                import dev.genbench.engine.Tensor;
                import dev.genbench.extension.DetectorModule;
                import dev.genbench.extension.TrainingBatch;

                /** A training step that breaks in window 1. */
                public class FailsInWindow1 implements DetectorModule {
                    @Override
                    public Tensor trainingStep(TrainingBatch batch) {
                        if (batch.window() == 1) throw new IllegalStateException("broken in window 1");
                        return DetectorModule.super.trainingStep(batch);
                    }
                }
                """);
        SOURCES.put("example.ext.NotAModule", """
                package example.ext;

                public class NotAModule {}
                """);
        SOURCES.put("example.ext.NeedsArgs", """
                package example.ext;

                import dev.genbench.extension.DetectorModule;

                public class NeedsArgs implements DetectorModule {
                    public NeedsArgs(int size) {}
                }
                """);
        SOURCES.put("example.ext.Quiet", """
                package example.ext;

                import dev.genbench.extension.Callback;

                public class Quiet implements Callback {}
                """);
    }

    private static Path buildDir;
    private static Path jar;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream previousLog;

    /** One jar for every test, compiled once (javac takes seconds). */
    @BeforeAll
    static void compilePlugins() throws IOException {
        buildDir = Files.createTempDirectory("genbench-ext-plugins");
        jar = PluginJar.compile(buildDir, SOURCES);
    }

    @org.junit.jupiter.api.AfterAll
    static void deletePlugins() throws IOException {
        try (Stream<Path> files = Files.walk(buildDir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    @BeforeEach
    void captureLog() {
        previousLog = Log.redirect(new PrintStream(log, true, StandardCharsets.UTF_8));
        System.setProperty("genbench.models", TinyProbeConfig.MODELS.toString());
        // An empty plug-ins folder: only --classpath can supply the classes.
        System.setProperty("genbench.plugins", dir.resolve("no-plugins").toString());
    }

    @AfterEach
    void restoreLog() {
        Log.redirect(previousLog);
        System.clearProperty("genbench.models");
        System.clearProperty("genbench.plugins");
    }

    private record Run(int code, String err) {}

    private Run run(String command, String modelClassPath, String callbacks, String... extra) throws IOException {
        Files.createDirectories(dir.resolve("no-plugins"));
        Path config = TinyProbeConfig.write(dir, modelClassPath, callbacks);
        String[] args = Stream.of(Stream.of(command.split(" ")), Stream.of("--config", config.toString()), Stream.of(extra))
                .flatMap(s -> s).toArray(String[]::new);
        var cli = Main.commandLine();
        var err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), err.toString());
    }

    private void ok(String command, String modelClassPath, String callbacks, String... extra) throws IOException {
        Run r = run(command, modelClassPath, callbacks, extra);
        assertEquals(0, r.code(), r.err() + log.toString(StandardCharsets.UTF_8));
    }

    private String printed() {
        return log.toString(StandardCharsets.UTF_8);
    }

    private PredictionsFile predictions(int experiment, int window) {
        return PredictionsFile.read(dir.resolve("data/experiment_" + experiment + "/window_" + window + "/predictions_validate_all.npz"));
    }

    private Map<String, Float> lastScalars(int experiment, int window) throws IOException {
        Map<String, Float> out = new LinkedHashMap<>();
        try (var files = Files.list(dir.resolve("logs/experiment_" + experiment + "/window_" + window))) {
            for (Path f : files.sorted().toList()) {
                TensorBoardEvents.readScalars(f).forEach(s -> out.put(s.tag(), s.value()));
            }
        }
        return out;
    }

    private static final String BASE = "algorithms.BaseDeepfakeDetectionModel";
    private static final String MULTICROP = "--model.init_args.evaluation_cropping_strategy=multicrop";

    @Test
    void aCustomFusionFromASeparateJarFusesCropScoresAndItsMetricsAndCallbackAreLogged() throws IOException {
        ok("fit", BASE, "[]", MULTICROP);
        Path events = dir.resolve("callback-events.txt");
        log.reset();
        ok("fit", "example.ext.MinFusion", "[{class_path: example.ext.Recorder, init_args: {file: '" + events + "'}}]", MULTICROP,
                "--classpath", jar.toString());
        assertTrue(printed().contains("model.class_path example.ext.MinFusion: a plug-in module"), printed());
        assertFalse(printed().contains("computing"),
                "a module that changes only the fusion reuses the built-in feature cache:\n" + printed());

        int multiCrop = 0;
        for (int k = 0; k < 2; k++) {
            PredictionsFile standard = predictions(0, k);
            PredictionsFile min = predictions(1, k);
            assertArrayEquals(standard.cropScores(), min.cropScores(), "the same features and head give the same crop scores");
            float[] expected = new float[standard.images()];
            Arrays.fill(expected, Float.POSITIVE_INFINITY);
            int[] crops = new int[standard.images()];
            for (int c = 0; c < standard.crops(); c++) {
                int image = Math.toIntExact(standard.cropToImageIndex()[c]);
                expected[image] = Math.min(expected[image], standard.cropScores()[c]);
                crops[image]++;
            }
            assertArrayEquals(expected, min.fusedScores(), "window " + k + ": each image's score is its lowest crop score");
            for (int i = 0; i < standard.images(); i++) {
                if (crops[i] > 1 && standard.fusedScores()[i] != min.fusedScores()[i]) {
                    multiCrop++;
                }
            }

            Map<String, Float> scalars = lastScalars(1, k);
            float lowest = Float.POSITIVE_INFINITY;
            float highest = Float.NEGATIVE_INFINITY;
            for (float s : min.fusedScores()) {
                lowest = Math.min(lowest, s);
                highest = Math.max(highest, s);
            }
            assertEquals(lowest, scalars.get("validate_MinScore_epoch/all"), 1e-7, scalars.keySet().toString());
            assertEquals(highest, scalars.get("validate_MaxScore_epoch/all"), 1e-7);
            assertTrue(scalars.containsKey("validate_BinaryAUROC_epoch/all"), "the built-in metrics are still logged");
            assertFalse(lastScalars(0, k).containsKey("validate_MinScore_epoch/all"), "the built-in run has no such metric");
        }
        assertTrue(multiCrop > 0, "min and mean differ on some five-crop image");
        assertTrue(printed().contains("window 0: validate MinScore "), printed());
        assertTrue(printed().contains("window 1: validate MaxScore "), printed());

        assertEquals(List.of(
                "fit_start 2",
                "window_start 0", "epoch_end 0 0", "epoch_end 0 1", "checkpoint 0 epoch=1-step=12.ckpt",
                "validation_end 0 predictions_validate_epoch=1-step=12.npz MinScore=true", "window_end 0",
                "window_start 1", "epoch_end 1 0", "epoch_end 1 1", "checkpoint 1 epoch=1-step=24.ckpt",
                "validation_end 1 predictions_validate_epoch=1-step=24.npz MinScore=true", "window_end 1",
                "fit_end"), Files.readAllLines(events), "the callback's hooks, in the documented order");

        Files.delete(events);
        Path window0 = dir.resolve("data/experiment_1/window_0");
        float[] fused = predictions(1, 0).fusedScores();
        Files.delete(window0.resolve("predictions_validate_all.npz"));
        ok("validate", "example.ext.MinFusion", "[{class_path: example.ext.Recorder, init_args: {file: '" + events + "'}}]", MULTICROP,
                "--classpath", jar.toString(), "--experiment_info.experiment_id", "1");
        assertArrayEquals(fused, predictions(1, 0).fusedScores(), "validate fuses with the module too");
        assertEquals(List.of("validation_end 0 predictions_validate_epoch=1-step=12.npz MinScore=true",
                "validation_end 1 predictions_validate_epoch=1-step=24.npz MinScore=true"), Files.readAllLines(events),
                "validate tells the callbacks of each window it evaluates, and of nothing else");
    }

    @Test
    void aTuneRunUsesTheSameFusionMetricsAndCallbacks() throws IOException {
        Path events = dir.resolve("tune-events.txt");
        ok("fit", "example.ext.MinFusion", "[{class_path: example.ext.Recorder, init_args: {file: '" + events + "'}}]", MULTICROP,
                "--model.init_args.model_name=tiny_backbone_tune", "--trainer.max_epochs=1", "--checkpoint_callback.every_n_train_steps=4",
                "--classpath", jar.toString());
        int multiCrop = 0;
        for (int k = 0; k < 2; k++) {
            PredictionsFile p = predictions(0, k);
            float[] lowest = new float[p.images()];
            float[] mean = new float[p.images()];
            int[] crops = new int[p.images()];
            Arrays.fill(lowest, Float.POSITIVE_INFINITY);
            for (int c = 0; c < p.crops(); c++) {
                int image = Math.toIntExact(p.cropToImageIndex()[c]);
                lowest[image] = Math.min(lowest[image], p.cropScores()[c]);
                mean[image] += p.cropScores()[c];
                crops[image]++;
            }
            assertArrayEquals(lowest, p.fusedScores(), "window " + k + ": the tuned detector's images are fused by the module too");
            for (int i = 0; i < p.images(); i++) {
                multiCrop += crops[i] > 1 && Math.abs(mean[i] / crops[i] - lowest[i]) > 1e-6 ? 1 : 0;
            }
            assertTrue(lastScalars(0, k).containsKey("validate_MinScore_epoch/all"));
        }
        assertTrue(multiCrop > 0, "min and mean differ on some five-crop image");
        assertEquals(List.of(
                "fit_start 2",
                "window_start 0", "checkpoint 0 epoch=0-step=4.ckpt", "epoch_end 0 0", "checkpoint 0 epoch=0-step=6.ckpt",
                "validation_end 0 predictions_validate_epoch=0-step=6.npz MinScore=true", "window_end 0",
                "window_start 1", "checkpoint 1 epoch=0-step=4.ckpt", "checkpoint 1 epoch=0-step=8.ckpt", "epoch_end 1 0",
                "checkpoint 1 epoch=0-step=12.ckpt",
                "validation_end 1 predictions_validate_epoch=0-step=12.npz MinScore=true", "window_end 1",
                "fit_end"), Files.readAllLines(events), "the tune run calls the hooks in the same order, mid-window checkpoints included");
    }

    @Test
    void aCustomTrainingStepAndACustomOptimizerChangeHowTheHeadTrains() throws IOException {
        ok("fit", BASE, "[]");
        ok("fit", "example.ext.ZeroLoss", "[]", "--classpath", jar.toString());
        ok("fit", "example.ext.ZeroLr", "[]", "--classpath", jar.toString());
        String ckpt = "window_0/checkpoints/epoch=1-step=12.ckpt";
        float[] trained = StateFile.read(dir.resolve("data/experiment_0").resolve(ckpt)).floats("head.weight");
        float[] zeroLoss = StateFile.read(dir.resolve("data/experiment_1").resolve(ckpt)).floats("head.weight");
        float[] zeroLr = StateFile.read(dir.resolve("data/experiment_2").resolve(ckpt)).floats("head.weight");
        assertArrayEquals(zeroLoss, zeroLr, "no gradient and no learning rate both leave the seeded initial head");
        assertFalse(Arrays.equals(trained, zeroLoss), "the built-in step and optimizer move the head");
    }

    @Test
    void customAugmentationsAndEvaluationViewsEnterTheFeatureCacheKey() throws IOException {
        ok("cache-features", BASE, "[]");
        log.reset();
        ok("cache-features", "example.ext.GrayTraining", "[]", "--classpath", jar.toString());
        assertTrue(printed().contains("window 0 training features: computing 24 of 24"), printed());
        assertTrue(printed().contains("validation features: all 16 feature rows cached"),
                "training augmentations do not touch the evaluation views:\n" + printed());
        log.reset();
        ok("cache-features", "example.ext.GrayTraining", "[]", "--classpath", jar.toString());
        assertFalse(printed().contains("computing"), "the same module's key is the same the next time:\n" + printed());

        log.reset();
        ok("fit", "example.ext.TwoViews", "[]", "--classpath", jar.toString());
        assertTrue(printed().contains("validation features: computing 16 of 32"), printed());
        assertTrue(printed().contains("window 0 training features: all 24 feature rows cached"), printed());
        PredictionsFile p = predictions(0, 0);
        assertEquals(16, p.images());
        assertEquals(32, p.crops(), "two views per image");
    }

    @Test
    void mistakesAreErrorsNamingTheClassTheKeyAndWhereGenbenchLooked() throws IOException {
        Run missing = run("fit", "example.ext.Missing", "[]", "--classpath", jar.toString());
        assertEquals(2, missing.code(), missing.err());
        assertTrue(missing.err().contains("model.class_path 'example.ext.Missing' is not a class genbench knows, and it was not"
                + " found on the plug-in path: searched genbench and [" + jar + " (--classpath), "), missing.err());
        assertTrue(missing.err().contains("(GENBENCH_PLUGINS)]"), missing.err());

        Run notAModule = run("fit", "example.ext.NotAModule", "[]", "--classpath", jar.toString());
        assertEquals(2, notAModule.code(), notAModule.err());
        assertTrue(notAModule.err().contains("model.class_path 'example.ext.NotAModule' (from " + jar
                + ") does not implement dev.genbench.extension.DetectorModule"), notAModule.err());

        Run needsArgs = run("fit", "example.ext.NeedsArgs", "[]", "--classpath", jar.toString());
        assertEquals(2, needsArgs.code(), needsArgs.err());
        assertTrue(needsArgs.err().contains("model.class_path 'example.ext.NeedsArgs' needs a public no-argument constructor"),
                needsArgs.err());

        Run extraArgs = run("fit", BASE, "[{class_path: example.ext.Quiet, init_args: {level: 3}}]", "--classpath", jar.toString());
        assertEquals(2, extraArgs.code(), extraArgs.err());
        assertTrue(extraArgs.err().contains("trainer.callbacks[0].class_path 'example.ext.Quiet' takes no init_args"), extraArgs.err());

        Run rejected = run("fit", BASE, "[{class_path: example.ext.Recorder}]", "--classpath", jar.toString());
        assertEquals(2, rejected.code(), rejected.err());
        assertTrue(rejected.err().contains("'example.ext.Recorder' rejected its init_args {}: init_args.file is required"),
                rejected.err());

        Run typo = run("fit", BASE, "[{class_path: training_metrics.MetricsManagr}]", "--classpath", jar.toString());
        assertEquals(2, typo.code(), typo.err());
        assertTrue(typo.err().contains("did you mean 'training_metrics.MetricsManager'?"), typo.err());

        Path absent = dir.resolve("absent.jar");
        Run noJar = run("fit", "example.ext.MinFusion", "[]", "--classpath", absent.toString());
        assertEquals(2, noJar.code(), noJar.err());
        assertTrue(noJar.err().contains("plug-in path '" + absent + "' (--classpath) is neither a .jar file nor a folder"), noJar.err());
        assertFalse(Files.exists(dir.resolve("data/experiment_0/window_0/done")), "no mistake trained anything");
    }

    /**
     * The README's worked example, from {@code docs/examples/extension}: the page shows the files as they are,
     * they compile against genbench, and the run they describe fuses by the maximum, logs the metric and writes
     * the CSV (here on the small fixture, with the soft model's augmentations the example keeps).
     */
    @Test
    void theReadmeWorkedExampleCompilesAndRunsAsShown() throws IOException {
        Path examples = Path.of("../../docs/examples/extension").toAbsolutePath().normalize();
        String readme = Files.readString(examples.resolve("../../../README.md"));
        Map<String, String> sources = new LinkedHashMap<>();
        for (String name : List.of("MaxFusion", "AurocCsv")) {
            String source = Files.readString(examples.resolve(name + ".java"));
            assertTrue(readme.contains("```java\n" + source + "```"), name + ".java is shown in the README as it is");
            sources.put("example." + name, source);
        }
        assertTrue(readme.contains("--config docs/examples/extension/max_fusion.yaml --classpath max-fusion.jar"), "the README runs it");
        Path exampleJar = PluginJar.compile(dir.resolve("example-build"), sources);
        Path csv = dir.resolve("auroc.csv");
        ok("fit", "algorithms.SoftTrainAugmentationsModel", "[]", MULTICROP);
        log.reset();
        ok("fit", "example.MaxFusion", "[{class_path: example.AurocCsv, init_args: {file: '" + csv + "'}}]", MULTICROP,
                "--classpath", exampleJar.toString());
        assertFalse(printed().contains("computing"), "a SoftTrainAugmentationsModule shares the soft model's caches:\n" + printed());
        for (int k = 0; k < 2; k++) {
            PredictionsFile soft = predictions(0, k);
            PredictionsFile max = predictions(1, k);
            assertArrayEquals(soft.cropScores(), max.cropScores());
            float[] highest = new float[max.images()];
            for (int c = 0; c < max.crops(); c++) {
                int image = Math.toIntExact(max.cropToImageIndex()[c]);
                highest[image] = Math.max(highest[image], max.cropScores()[c]);
            }
            assertArrayEquals(highest, max.fusedScores());
            assertTrue(lastScalars(1, k).containsKey("validate_ConfidentShare_epoch/all"));
        }
        List<String> rows = Files.readAllLines(csv);
        assertEquals(2, rows.size(), rows.toString());
        for (int k = 0; k < 2; k++) {
            String[] cells = rows.get(k).split(",");
            assertEquals(String.valueOf(k), cells[0], rows.toString());
            double auroc = Double.parseDouble(cells[1]);
            assertTrue(auroc >= 0 && auroc <= 1, rows.toString());
        }
    }

    @Test
    void aFitThatFailsTellsTheCallbacksAndNotOfItsEnd() throws IOException {
        Path events = dir.resolve("events.txt");
        Run r = run("fit", "example.ext.FailsInWindow1", "[{class_path: example.ext.Recorder, init_args: {file: '" + events + "'}}]",
                "--classpath", jar.toString());
        assertEquals(2, r.code(), r.err());
        String message = "model.class_path example.ext.FailsInWindow1 failed in trainingStep: java.lang.IllegalStateException:"
                + " broken in window 1";
        assertTrue(r.err().contains(message), r.err());
        List<String> lines = Files.readAllLines(events);
        assertEquals("window_end 0", lines.get(lines.size() - 3), lines.toString());
        assertEquals(List.of("window_start 1", "exception " + message), lines.subList(lines.size() - 2, lines.size()));
        assertTrue(Files.exists(dir.resolve("data/experiment_0/window_0/done")));
    }

    /** {@code slurm submit} passes --classpath on to its jobs, by absolute path, so they load the same classes. */
    @Test
    void slurmJobsGetTheSameClasspath() throws IOException {
        Path relative = Path.of("").toAbsolutePath().relativize(jar);
        ok("slurm submit", "example.ext.MinFusion", "[]", "--dry-run", "--classpath", relative.toString());
        String scripts;
        try (var files = Files.list(dir.resolve("data/experiment_0/slurm"))) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.filter(f -> f.toString().endsWith(".sbatch")).toList()) {
                all.append(Files.readString(f));
            }
            scripts = all.toString();
        }
        assertTrue(scripts.contains("--classpath=" + jar), scripts);
    }

    /** A class folder works as well as a jar, and the classes are searched in --classpath order. */
    @Test
    void aClassFolderOnTheClasspathIsSearchedToo() throws IOException {
        List<String> cp = new ArrayList<>(List.of(dir.resolve("empty-folder").toString(), buildDir.resolve("classes").toString()));
        Files.createDirectories(dir.resolve("empty-folder"));
        ok("cache-features", "example.ext.MinFusion", "[]", "--classpath", String.join(java.io.File.pathSeparator, cp));
        assertTrue(printed().contains("model.class_path example.ext.MinFusion: a plug-in module"), printed());
    }
}
