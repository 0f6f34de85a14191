package dev.genbench.train;

import dev.genbench.config.GenbenchConfig;
import dev.genbench.config.LoadedConfig;
import dev.genbench.config.LoggerConfig;
import dev.genbench.config.TrainerConfig;
import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.engine.cpu.CpuBackend;
import dev.genbench.extension.Extensions;
import dev.genbench.extension.Plugins;
import dev.genbench.image.AugmentationSeeds;
import dev.genbench.io.FaultPoints;
import dev.genbench.io.PredictionsCollector;
import dev.genbench.io.StateFile;
import dev.genbench.io.TensorBoardWriter;
import dev.genbench.metrics.Stage;
import dev.genbench.models.LinearHead;
import dev.genbench.models.ModelCatalogue;
import dev.genbench.models.TunableDetector;
import dev.genbench.protocol.BenchmarkData;
import dev.genbench.protocol.EvaluationSet;
import dev.genbench.protocol.ProtocolPlan;
import dev.genbench.protocol.WindowPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code _tune} path of {@code fit}, {@code validate}, {@code test} and {@code predict}: window after
 * window (SPEC §4.4), the card's backbone with a linear head, all of it trained on the engine from images
 * (train-mode batch norm, the model class's training augmentations, the configured optimizer, OneCycleLR,
 * accumulation and clipping), evaluated in eval mode into the same predictions files and metrics as the
 * probe path, a checkpoint (every parameter and batch-norm buffer by name) and the window's detector
 * exported as {@code tuned.onnx} beside it. Window k+1 starts from window k's weights (SPEC §4.3).
 *
 * <p>One instance per command; it owns the dataset and the engine backend and closes them.
 */
public final class TuneRun implements DetectorRun {
    /** The exported detector in each window folder: pixels in, logit out. */
    public static final String EXPORT_FILE = "tuned.onnx";
    /** Training images whose eval-mode features give the standardisation statistics of a fresh model. */
    static final int STATISTICS_IMAGES = 512;

    private final GenbenchConfig config;
    private final ExperimentLayout layout;
    private final BenchmarkData data;
    private final ProtocolPlan plan;
    private final ModelCatalogue.Resolved model;
    private final CpuBackend backend;
    private final long seed;
    private final EvaluationRecorder recorder;
    private final TuneTrainer trainer;
    private final Extensions extensions;

    private TuneRun(GenbenchConfig config, ExperimentLayout layout, BenchmarkData data, ProtocolPlan plan, ModelCatalogue.Resolved model,
            long seed, Extensions extensions) {
        this.config = config;
        this.layout = layout;
        this.data = data;
        this.plan = plan;
        this.model = model;
        this.backend = CpuBackend.create();
        this.seed = seed;
        this.extensions = extensions;
        this.recorder = new EvaluationRecorder(config, data, plan, layout, extensions);
        this.trainer = new TuneTrainer(backend, config, seed, extensions);
    }

    /**
     * Opens what a tune run needs.
     *
     * @param modelsFolder the model cards ({@code models/onnx})
     * @param seed the resolved {@code seed_everything}
     * @param plugins where a user's {@code model.class_path} and callbacks are loaded from
     */
    public static TuneRun open(LoadedConfig loaded, ExperimentLayout layout, Path modelsFolder, long seed, Plugins plugins) {
        GenbenchConfig config = loaded.config();
        ModelCatalogue.Resolved model = ModelCatalogue.load(modelsFolder).resolve(config.model().modelName());
        if (model.variant() != ModelCatalogue.Variant.TUNE) {
            throw new UserError("model_name '" + config.model().modelName() + "' is not a _tune model");
        }
        if (config.trainer().precision() != TrainerConfig.Precision.FP32_TRUE && config.trainer().precision() != TrainerConfig.Precision.FP32) {
            throw new UserError("trainer.precision " + config.trainer().precision().yaml() + " is not available on CPU;"
                    + " use 32-true (the original's default)");
        }
        Extensions extensions = Extensions.load(config, plugins); // before any data: a wrong plug-in fails at once
        extensions.warnIfFeaturesIgnored(config.model().modelName());
        BenchmarkData data = BenchmarkData.open(config);
        try {
            ProtocolPlan plan = ProtocolPlan.build(data.catalogue(), data.train().labelled(), data.validation().labelled(),
                    ProtocolPlan.Settings.of(config));
            return new TuneRun(config, layout, data, plan, model, seed, extensions);
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
    }

    @Override
    public List<Integer> fit(boolean force) {
        return DetectorRun.trainWindows(layout, plan, config.experimentInfo().slidingWindowsDefinition().currentWindow(),
                extensions.callbacks(), config.model().modelName(), step -> trainWindow(step, force));
    }

    @Override
    public String summary(String stageKey) {
        return recorder.summary(stageKey);
    }

    private void trainWindow(ExperimentLayout.TrainingStep step, boolean force) {
        int k = step.window();
        EvaluationRecorder.WindowStart start = recorder.startTrainingWindow(step, force);
        long loggingInitialStep = start.loggingInitialStep();
        List<LoggerConfig> loggers = config.trainer().logger(); // null (no logger key) is handled by windowLoggers
        WindowPlan window = plan.windows().get(k);
        Log.info("window %d: generators %s, %d training samples x %d replicas, backbone %s fine-tuned on the engine", k,
                window.generators(), window.training().length, config.data().augmentationFactor(), model.card().name());
        var samples = new SplitSamples(data.train(), window.training());
        var seeds = new AugmentationSeeds(config.data().augmentationsBaseSeed(), config.data().augmentationFactor());
        try (TensorBoardWriter tb = recorder.openTensorBoard(layout.windowLoggers(loggers, k));
                TunableDetector detector = initialModel(start, samples, seeds)) {
            int epochs = config.trainer().maxEpochs() == null ? 1 : Math.max(1, config.trainer().maxEpochs());
            long epoch = epochs - 1;
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("model_input_size", List.of(config.model().modelInputSize().height(), config.model().modelInputSize().width()));
            extra.put("shapes", detector.stateShapes());
            Map<String, Object> metadata = start.metadata(config.model().modelName(), extra);
            long globalStep;
            if (start.trainingComplete()) {
                globalStep = ProbeCheckpoint.of(start.resume().get().state()).globalStep();
                Log.info("window %d: its checkpoint %s is complete; validating it", k, start.resume().get().file());
            } else {
                start.resume().ifPresent(r -> Log.info("window %d: resuming from %s", k, r.file()));
                extensions.callbacks().onWindowStart(k);
                globalStep = trainer.train(k, detector, samples, recorder.trainingPipeline(), seeds, labelsOf(window), epochs,
                        loggingInitialStep, tb, recorder.checkpointing(start, metadata), start.resume().map(CheckpointStore.Loaded::state));
                start.saveFinal(metadata, state -> state.model(detector.state(), detector.stateShapes()), epoch, globalStep);
            }
            evaluate(k, detector, plan.validation(), Stage.VALIDATE.key(), Stage.VALIDATE, epoch, globalStep, loggingInitialStep, tb);
            Path exported = layout.windowFolder(k).resolve(EXPORT_FILE);
            detector.export(exported);
            Log.info("window %d: tuned detector exported to %s (input '%s', output '%s')", k, exported, detector.inputName(),
                    TunableDetector.LOGIT);
            layout.markDone(k, loggingInitialStep, globalStep);
            extensions.callbacks().onWindowEnd(k);
            FaultPoints.reach("window-done");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The model a window starts from: its own interrupted checkpoint, the previous window's weights or an
     * explicit {@code base_weights} (strict, as the original loads them), otherwise the pretrained backbone
     * with a fresh head, standardising features with statistics of the first training images when the card
     * asks for it.
     */
    private TunableDetector initialModel(EvaluationRecorder.WindowStart start, SplitSamples samples, AugmentationSeeds seeds) {
        if (start.resume().isPresent()) {
            return fromState(start.resume().get().state(), start.resume().get().file().toString());
        }
        Optional<Path> from = start.baseWeights();
        if (config.model().baseWeights() != null) {
            from = Optional.of(config.model().baseWeights());
        }
        if (from.isPresent()) {
            Log.info("window %d: weights from %s", start.window(), from.get());
            return fromCheckpoint(from.get());
        }
        float[][] standardization = null;
        if (model.card().standardizeFeatures()) {
            standardization = featureStatistics(samples, seeds);
            Log.info("window %d: features standardised with the statistics of %d training images (model card %s)", start.window(),
                    Math.min(STATISTICS_IMAGES, seeds.datasetSize(samples.size())), model.card().name());
        }
        return TunableDetector.create(model, backend, standardization, seed);
    }

    private TunableDetector fromCheckpoint(Path file) {
        return fromParameters(ProbeCheckpoint.read(file).parameters(), file.toString());
    }

    /** The model of a mid-window checkpoint: every parameter and batch-norm buffer as it was saved. */
    private TunableDetector fromState(StateFile state, String source) {
        return fromParameters(TrainingState.model(state), source);
    }

    private TunableDetector fromParameters(Map<String, float[]> parameters, String source) {
        TunableDetector detector = TunableDetector.create(model, backend, TunableDetector.standardizationOf(parameters), seed);
        try {
            detector.load(parameters, source);
            return detector;
        } catch (RuntimeException e) {
            detector.close();
            throw e;
        }
    }

    /** Mean and 1/std of the pretrained model's eval-mode features over the first training images in a fixed shuffle. */
    private float[][] featureStatistics(SplitSamples samples, AugmentationSeeds seeds) {
        long images = seeds.datasetSize(samples.size());
        long[] all = java.util.stream.LongStream.range(0, images).toArray();
        long[] order = java.util.Arrays.copyOf(TrainingSteps.shuffled(all, TrainingSteps.epochRng(seed, -1, 0)),
                (int) Math.min(STATISTICS_IMAGES, images));
        int width = model.card().featureWidth();
        float[] features = new float[order.length * width];
        int[] rows = {0};
        try (TunableDetector pretrained = TunableDetector.create(model, backend, null, seed)) {
            trainer.infer(pretrained, samples, recorder.trainingPipeline(), seeds, order, "feature statistics", scored -> {
                System.arraycopy(scored.features(), 0, features, rows[0] * width, scored.features().length);
                rows[0] += scored.batch().crops();
            });
        }
        return LinearHead.statistics(features, rows[0], width);
    }

    /** Label (1 fake, 0 real) of each sample of a window's training list. */
    private int[] labelsOf(WindowPlan window) {
        int[] positions = window.training();
        int[] out = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = data.train().labelled().isReal(positions[i]) ? 0 : 1;
        }
        return out;
    }

    @Override
    public void evaluateWindows(String stageKey, List<Integer> windows, Optional<Path> explicitCheckpoint) {
        EvaluationSet set = recorder.evaluationSet(stageKey);
        Stage metricsStage = EvaluationRecorder.metricsStage(stageKey);
        List<LoggerConfig> loggers = config.trainer().logger();
        for (int k : windows.isEmpty() ? List.of(0) : windows) {
            EvaluationRecorder.EvaluationTarget target = recorder.startEvaluation(k, stageKey, explicitCheckpoint);
            try (TensorBoardWriter tb = recorder.openTensorBoard(layout.windowLoggers(loggers, k));
                    TunableDetector detector = fromCheckpoint(target.file())) {
                evaluate(k, detector, set, stageKey, metricsStage, target.epoch(), target.checkpoint().globalStep(),
                        target.loggingInitialStep(), tb);
            }
        }
    }

    /** Scores an evaluation set in eval mode, writes the predictions files, logs the metrics (none for predict). */
    private void evaluate(int k, TunableDetector detector, EvaluationSet set, String stageKey, Stage stage, long epoch, long globalStep,
            long loggingInitialStep, TensorBoardWriter tb) {
        var collector = recorder.newCollector();
        var samples = new SplitSamples(data.validation(), set.positions());
        trainer.infer(detector, samples, recorder.evaluationPipeline(), AugmentationSeeds.evaluation(config.data().augmentationsBaseSeed()),
                null, "window " + k + " " + stageKey, scored -> {
                    long[] indices = scored.batch().datasetIndices();
                    int[] cropToImage = scored.batch().cropToImage();
                    int[] image = new int[cropToImage.length];
                    for (int c = 0; c < image.length; c++) {
                        image[c] = Math.toIntExact(indices[cropToImage[c]]);
                    }
                    // crops of one image share its index: the collector fuses them
                    collector.add(recorder.cropBatch(set, scored.logits(), image, image.length, 0));
                });
        recorder.record(k, collector, set, stageKey, stage, epoch, globalStep, loggingInitialStep, tb);
    }

    @Override
    public void close() {
        try {
            data.close();
        } finally {
            backend.close();
        }
    }
}
