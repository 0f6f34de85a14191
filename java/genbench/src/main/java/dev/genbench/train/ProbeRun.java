package dev.genbench.train;

import dev.genbench.config.GenbenchConfig;
import dev.genbench.config.LoadedConfig;
import dev.genbench.config.LoggerConfig;
import dev.genbench.config.TrainerConfig;
import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.engine.Backend;
import dev.genbench.engine.cpu.CpuBackend;
import dev.genbench.engine.optim.OneCycleLR;
import dev.genbench.evaluate.EvaluationOptions;
import dev.genbench.evaluate.EvaluationText;
import dev.genbench.evaluate.PredictionsEvaluator;
import dev.genbench.image.AugmentationSeeds;
import dev.genbench.image.EvaluationPipeline;
import dev.genbench.image.TrainingAugmentations;
import dev.genbench.image.TrainingPipeline;
import dev.genbench.io.FaultPoints;
import dev.genbench.io.PredictionsCollector;
import dev.genbench.io.PredictionsFile;
import dev.genbench.io.StateFile;
import dev.genbench.io.TensorBoardWriter;
import dev.genbench.metrics.EpochMetrics;
import dev.genbench.metrics.EvaluatedImages;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.Stage;
import dev.genbench.metrics.WindowsOrder;
import dev.genbench.models.FeatureCache;
import dev.genbench.models.LinearHead;
import dev.genbench.models.ModelCatalogue;
import dev.genbench.models.OrtBackbone;
import dev.genbench.protocol.BenchmarkData;
import dev.genbench.protocol.EvaluationSet;
import dev.genbench.protocol.ProtocolPlan;
import dev.genbench.protocol.WindowPlan;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code _probe} path of {@code fit}: window after window (SPEC §4.4), features of the window's
 * training list from the cache (computed once), a linear head trained on them with the configured
 * optimizer and OneCycleLR, validation predictions, metrics and TensorBoard scalars, a checkpoint, the
 * {@code done} marker; at the end a table of per-window next-period AUROC and the headline.
 *
 * <p>One instance per command; it owns the dataset, the backbone and the engine backend and closes them.
 */
public final class ProbeRun implements AutoCloseable {

    private final LoadedConfig loaded;
    private final GenbenchConfig config;
    private final ExperimentLayout layout;
    private final BenchmarkData data;
    private final ProtocolPlan plan;
    private final ModelCatalogue.Resolved model;
    private final OrtBackbone backbone;
    private final Backend backend;
    private final Path cacheRoot;
    private final long seed;

    private ProbeRun(LoadedConfig loaded, ExperimentLayout layout, BenchmarkData data, ProtocolPlan plan,
            ModelCatalogue.Resolved model, OrtBackbone backbone, Path cacheRoot, long seed) {
        this.loaded = loaded;
        this.config = loaded.config();
        this.layout = layout;
        this.data = data;
        this.plan = plan;
        this.model = model;
        this.backbone = backbone;
        this.backend = CpuBackend.create();
        this.cacheRoot = cacheRoot;
        this.seed = seed;
    }

    /**
     * Opens what a probe run needs.
     *
     * @param modelsFolder the model cards ({@code models/onnx})
     * @param cacheRoot the feature cache root
     * @param seed the resolved {@code seed_everything}
     */
    public static ProbeRun open(LoadedConfig loaded, ExperimentLayout layout, Path modelsFolder, Path cacheRoot, long seed) {
        GenbenchConfig config = loaded.config();
        ModelCatalogue.Resolved model = ModelCatalogue.load(modelsFolder).resolve(config.model().modelName());
        if (model.variant() != ModelCatalogue.Variant.PROBE) {
            throw new UserError("model_name '" + config.model().modelName() + "' is a _tune model; fine-tuning runs on the"
                    + " trainable engine, which `genbench fit` does not drive yet; use the _probe variant");
        }
        if (config.trainer().precision() != TrainerConfig.Precision.FP32_TRUE && config.trainer().precision() != TrainerConfig.Precision.FP32) {
            throw new UserError("trainer.precision " + config.trainer().precision().yaml() + " is not available on CPU;"
                    + " use 32-true (the original's default)");
        }
        BenchmarkData data = BenchmarkData.open(config);
        try {
            ProtocolPlan plan = ProtocolPlan.build(data.catalogue(), data.train().labelled(), data.validation().labelled(),
                    ProtocolPlan.Settings.of(config));
            OrtBackbone backbone = OrtBackbone.open(model, OrtBackbone.Options.defaults());
            return new ProbeRun(loaded, layout, data, plan, model, backbone, cacheRoot, seed);
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
    }

    public int windowCount() {
        return plan.windows().size();
    }

    /** Trains the windows from where the experiment stands (or the one window asked for); returns the windows trained. */
    public List<Integer> fit() {
        return fit(false);
    }

    /**
     * As {@link #fit()}; holds the experiment's lock throughout, and with {@code force} resumes even when
     * the configuration differs from the one the experiment was run with (the differing keys are warned of).
     *
     * @throws TrainingStopped when a signal stopped the run after saving a checkpoint
     */
    public List<Integer> fit(boolean force) {
        Integer requested = config.experimentInfo().slidingWindowsDefinition().currentWindow();
        List<Integer> trained = new java.util.ArrayList<>();
        Log.info("timeline: %d windows", windowCount());
        for (int k = 0; k < windowCount(); k++) {
            Log.info("  %d %s", k, plan.timeline().window(k));
        }
        try (ExperimentLock ignored = ExperimentLock.acquire(layout.experimentFolder())) {
            if (requested != null && layout.isDone(requested)) {
                // A requeued cluster job for one window finds it finished: nothing to do, never the next window.
                Log.info("window %d of experiment %s is already done", requested, layout.id());
                return trained;
            }
            while (true) {
                ExperimentLayout.TrainingStep step = layout.nextTrainingStep(requested);
                if (step.window() >= windowCount()) {
                    Log.info("all %d windows of experiment %s are done", windowCount(), layout.id());
                    break;
                }
                trainWindow(step, force);
                trained.add(step.window());
                if (requested != null) {
                    break;
                }
            }
        }
        return trained;
    }

    /**
     * Fills the feature cache for every window's training list and the evaluation set, or for the
     * rows of one {@code shard} of each, without training: what {@code genbench cache-features} runs,
     * so that many processes or cluster array tasks fill one cache before training reads it.
     */
    public void cacheFeatures(FeatureCache.Shard shard) {
        for (WindowPlan window : plan.windows()) {
            try (FeatureCache ignored = ProbeFeatures.fill(cacheRoot, trainJob(window.window(), window), backbone, config, shard)) {
                // filled and flushed
            }
        }
        try (FeatureCache ignored = ProbeFeatures.fill(cacheRoot, evaluationJob(), backbone, config, shard)) {
            // filled and flushed
        }
    }

    /** The per-window next-period table and the headline, from the windows' validation predictions files. */
    public String summary() {
        return summary(Stage.VALIDATE.key());
    }

    /** As {@link #summary()} for the {@code validate} or {@code test} predictions. */
    public String summary(String stageKey) {
        Stage stage = stageKey.equals("test") ? Stage.TEST : Stage.VALIDATE;
        var evaluation = PredictionsEvaluator.evaluateExperiment(layout.experimentFolder(),
                new EvaluationOptions(stage, config.model().classificationThreshold(), true));
        return EvaluationText.render(evaluation, Mechanism.IMMEDIATE_FUTURE);
    }

    private void trainWindow(ExperimentLayout.TrainingStep step, boolean force) {
        int k = step.window();
        long loggingInitialStep = config.experimentInfo().loggingInitialStep() != null
                ? config.experimentInfo().loggingInitialStep() : layout.loggingInitialStep(k);
        String configYaml = LoadedConfig.toYaml(config);
        layout.latestSavedConfig("fit").ifPresent(saved -> ConfigDrift.check(saved, configYaml, force));
        layout.createWindow(k);
        CheckpointStore store = new CheckpointStore(layout.checkpointsFolder(k));
        store.removeLeftovers();
        // SPEC §4.3 finds a checkpoint of this window; the newest one that verifies is resumed.
        Optional<CheckpointStore.Loaded> resume = step.resumeFrom().isPresent() ? store.latestValid() : Optional.empty();
        Optional<Path> baseWeights = step.baseWeights();
        if (step.resumeFrom().isPresent() && resume.isEmpty()) {
            Log.warn("window %d: no checkpoint of it verifies; training it again from the start", k);
            baseWeights = k == 0 ? Optional.empty() : new CheckpointStore(layout.checkpointsFolder(k - 1)).latestValid()
                    .map(CheckpointStore.Loaded::file);
        }
        List<LoggerConfig> loggers = config.trainer().logger(); // null (no logger key) is handled by windowLoggers
        layout.saveExperimentParameters(k, loggingInitialStep, loggers);
        layout.saveConfig(k, "fit", configYaml);
        WindowPlan window = plan.windows().get(k);
        Log.info("window %d: generators %s, %d training samples x %d replicas", k, window.generators(),
                window.training().length, config.data().augmentationFactor());

        try (TensorBoardWriter tb = openTensorBoard(layout.windowLoggers(loggers, k));
                FeatureCache trainCache = ProbeFeatures.fill(cacheRoot, trainJob(k, window), backbone, config, FeatureCache.Shard.all());
                FeatureCache evalCache = ProbeFeatures.fill(cacheRoot, evaluationJob(), backbone, config, FeatureCache.Shard.all());
                LinearHead head = initialHead(k, resume.map(CheckpointStore.Loaded::state), baseWeights, trainCache)) {
            int epochs = config.trainer().maxEpochs() == null ? 1 : Math.max(1, config.trainer().maxEpochs());
            long epoch = epochs - 1;
            long globalStep;
            Map<String, Object> base = new LinkedHashMap<>();
            base.put("model_name", config.model().modelName());
            base.put("window", k);
            base.put("feature_width", head.width());
            base.put("logging_initial_step", loggingInitialStep);
            base.put("config_sha256", ConfigDrift.hash(configYaml));
            if (resume.isPresent() && TrainingState.trainingComplete(resume.get().state())) {
                // Training finished and the run stopped before the window was marked done: evaluate and mark it.
                globalStep = ProbeCheckpoint.of(resume.get().state()).globalStep();
                Log.info("window %d: its checkpoint %s is complete; validating it", k, resume.get().file());
            } else {
                resume.ifPresent(r -> Log.info("window %d: resuming from %s", k, r.file()));
                globalStep = trainHead(k, head, trainCache, epochs, loggingInitialStep, tb,
                        new HeadTrainer.Checkpointing(store, everyNTrainSteps(), trainTimeInterval(), base),
                        resume.map(CheckpointStore.Loaded::state));
                Map<String, Object> position = Map.of("epoch", epoch, "global_step", globalStep);
                Path ckpt = store.save(new TrainingState(base).model(head.state()).loop(position, Map.of()).build(true), epoch, globalStep);
                Log.info("window %d: checkpoint %s", k, ckpt);
            }
            evaluate(k, head, evalCache, plan.validation(), Stage.VALIDATE.key(), Stage.VALIDATE, epoch, globalStep,
                    loggingInitialStep, tb);
            layout.markDone(k, loggingInitialStep, globalStep);
            FaultPoints.reach("window-done");
        }
    }

    /** {@code checkpoint_callback.every_n_train_steps} (Lightning's ModelCheckpoint argument); 0 or unset: off. */
    private int everyNTrainSteps() {
        Integer n = config.checkpointCallback() == null ? null : config.checkpointCallback().everyNTrainSteps();
        return n == null ? 0 : n;
    }

    /** {@code checkpoint_callback.train_time_interval} as Lightning writes a timedelta ({@code 0:30:00}) or seconds. */
    private java.time.Duration trainTimeInterval() {
        String text = config.checkpointCallback() == null ? null : config.checkpointCallback().trainTimeInterval();
        return text == null ? null : CheckpointStore.parseInterval(text);
    }

    private ProbeFeatures.Job trainJob(int k, WindowPlan window) {
        var augmentations = config.model().softTrainAugmentations() ? TrainingAugmentations.SOFT : TrainingAugmentations.BASELINE;
        var size = config.model().modelInputSize();
        var pipeline = new TrainingPipeline(maximumProcessingSize(), augmentations, config.model().trainingCroppingStrategy(),
                size.width(), size.height());
        var seeds = new AugmentationSeeds(config.data().augmentationsBaseSeed(), config.data().augmentationFactor());
        return new ProbeFeatures.Job("window " + k + " training features", new SplitSamples(data.train(), window.training()),
                pipeline, seeds, datasetKey("train"));
    }

    private ProbeFeatures.Job evaluationJob() {
        return evaluationJob(plan.validation(), "validation features");
    }

    /** Evaluation views: the mandatory preprocessing seeded by position (SPEC §5), so any window reuses them. */
    private ProbeFeatures.Job evaluationJob(EvaluationSet set, String task) {
        var size = config.model().modelInputSize();
        var pipeline = new EvaluationPipeline(maximumProcessingSize(), config.model().evaluationCroppingStrategy(),
                size.width(), size.height());
        return new ProbeFeatures.Job(task, new SplitSamples(data.validation(), set.positions()), pipeline,
                AugmentationSeeds.evaluation(config.data().augmentationsBaseSeed()), datasetKey("validation"));
    }

    /**
     * {@code validate}, {@code test} or {@code predict} with the latest checkpoint of each given window (or
     * one explicit checkpoint): predictions files in the window folder, and for validate and test the
     * metrics, logged to TensorBoard at the checkpoint's step (SPEC §4.4, §4.5).
     *
     * @param stageKey {@code validate}, {@code test} or {@code predict}
     */
    public void evaluateWindows(String stageKey, List<Integer> windows, java.util.Optional<Path> explicitCheckpoint) {
        EvaluationSet set = switch (stageKey) {
            case "validate" -> plan.validation();
            case "test" -> plan.test();
            case "predict" -> wholeValidationSplit();
            default -> throw new IllegalArgumentException(stageKey);
        };
        Stage metricsStage = switch (stageKey) {
            case "validate" -> Stage.VALIDATE;
            case "test" -> Stage.TEST;
            default -> null; // predict: evaluation without metrics (SPEC §12 item 16)
        };
        List<LoggerConfig> loggers = config.trainer().logger(); // null (no logger key) is handled by windowLoggers
        for (int k : windows.isEmpty() ? List.of(0) : windows) {
            Path checkpoint = explicitCheckpoint.or(() -> new CheckpointStore(layout.checkpointsFolder(k)).latestValid()
                    .map(CheckpointStore.Loaded::file)).orElseThrow(() -> new UserError(
                    "window " + k + " of experiment '" + layout.experimentFolder() + "' has no checkpoint to evaluate"));
            ProbeCheckpoint ckpt = ProbeCheckpoint.read(checkpoint);
            long offset = config.experimentInfo().loggingInitialStep() != null
                    ? config.experimentInfo().loggingInitialStep() : ckpt.globalStep();
            layout.createWindow(k);
            layout.saveConfig(k, stageKey, LoadedConfig.toYaml(config));
            Log.info("window %d: %s with %s", k, stageKey, checkpoint);
            try (TensorBoardWriter tb = openTensorBoard(layout.windowLoggers(loggers, k));
                    FeatureCache cache = ProbeFeatures.fill(cacheRoot, evaluationJob(set, stageKey + " features"), backbone, config,
                            FeatureCache.Shard.all());
                    LinearHead head = LinearHead.fromState(backend, ckpt.parameters(), backbone.featureWidth(), checkpoint.toString())) {
                long epoch = ckpt.epoch();
                evaluate(k, head, cache, set, stageKey, metricsStage, epoch, ckpt.globalStep(), offset, tb);
            }
        }
    }

    /** The predict stage's set: the whole validation split, unbalanced and in stored order, no pairing. */
    private EvaluationSet wholeValidationSplit() {
        var split = data.validation().labelled();
        int[] positions = java.util.stream.IntStream.range(0, split.size()).toArray();
        int[] paired = new int[positions.length];
        java.util.Arrays.fill(paired, -1);
        return new EvaluationSet(dev.genbench.protocol.EvaluationStage.VALIDATION, split, positions, paired);
    }

    private Map<String, Object> datasetKey(String split) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("dataset", String.valueOf(config.resolvedDatasetPath().toAbsolutePath().normalize()));
        key.put("split", split);
        key.put("rows", split.equals("train") ? data.train().size() : data.validation().size());
        return key;
    }

    private OptionalInt maximumProcessingSize() {
        Integer m = config.data().maximumProcessingSize();
        return m == null ? OptionalInt.empty() : OptionalInt.of(m);
    }

    private LinearHead initialHead(int k, Optional<StateFile> resume, Optional<Path> baseWeights, FeatureCache trainCache) {
        if (resume.isPresent()) {
            return LinearHead.fromState(backend, TrainingState.model(resume.get()), backbone.featureWidth(), "the resumed checkpoint");
        }
        var from = baseWeights;
        if (config.model().baseWeights() != null) {
            from = Optional.of(config.model().baseWeights());
        }
        if (from.isPresent()) {
            ProbeCheckpoint ckpt = ProbeCheckpoint.read(from.get());
            Log.info("window %d: head weights from %s", k, from.get());
            return LinearHead.fromState(backend, ckpt.parameters(), backbone.featureWidth(), from.get().toString());
        }
        LinearHead head = LinearHead.initialize(backend, backbone.featureWidth(), seed);
        if (backbone.card().standardizeFeatures()) {
            float[][] stats = trainingStatistics(trainCache);
            head.withStandardization(stats[0], stats[1]);
            Log.info("window %d: features standardised with the statistics of %d training rows (model card %s)",
                    k, trainCache.filledCount(), backbone.card().name());
        }
        return head;
    }

    private static float[][] trainingStatistics(FeatureCache cache) {
        int width = cache.spec().width();
        long[] rows = java.util.stream.LongStream.range(0, cache.spec().rows()).filter(cache::isFilled).toArray();
        float[] all = new float[Math.toIntExact((long) rows.length * width)];
        for (int i = 0; i < rows.length; i++) {
            cache.get(rows[i], all, i * width);
        }
        return LinearHead.statistics(all, rows.length, width);
    }

    /** Epochs of minibatch training on cached features; returns the optimizer steps taken. */
    private long trainHead(int k, LinearHead head, FeatureCache cache, int epochs, long loggingInitialStep, TensorBoardWriter tb,
            HeadTrainer.Checkpointing checkpointing, Optional<StateFile> resume) {
        var settings = new HeadTrainer.Settings(config.trainer(), config.data().trainBatchSize(), config.data().augmentationFactor(),
                config.model().optimizer(), config.model().classificationThreshold(), seed);
        return new HeadTrainer(backend, settings).train(k, head, cache, labelsOf(k), epochs, loggingInitialStep, tb,
                checkpointing, resume);
    }

    /** Label (1 fake, 0 real) of each position of window k's training list. */
    private int[] labelsOf(int k) {
        int[] positions = plan.windows().get(k).training();
        int[] out = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = data.train().labelled().isReal(positions[i]) ? 0 : 1;
        }
        return out;
    }

    /** Scores an evaluation set, writes the predictions files, logs the metrics (none for predict). */
    private void evaluate(int k, LinearHead head, FeatureCache cache, EvaluationSet set, String stageKey, Stage stage, long epoch,
            long globalStep, long loggingInitialStep, TensorBoardWriter tb) {
        int n = set.size();
        int width = head.width();
        int chunk = Math.max(1, config.data().evalBatchSize());
        var collector = new PredictionsCollector();
        int slots = (int) (cache.spec().rows() / n); // crop slots per image: 5 for multicrop, else 1
        float[] crops = new float[chunk * slots * width];
        for (int start = 0; start < n; start += chunk) {
            int m = Math.min(chunk, n - start);
            int kept = 0;
            int[] image = new int[m * slots];
            for (int i = 0; i < m; i++) {
                for (int s = 0; s < slots; s++) {
                    long row = (long) (start + i) * slots + s;
                    if (cache.isFilled(row)) {
                        cache.get(row, crops, kept * width);
                        image[kept++] = start + i;
                    }
                }
            }
            float[] logits = head.logitsNoGrad(backend, crops, kept);
            float[] scores = new float[kept];
            float[] losses = new float[kept];
            long[] labels = new long[kept];
            long[] generators = new long[kept];
            long[] ids = new long[kept];
            int[] local = new int[kept];
            for (int c = 0; c < kept; c++) {
                int e = image[c];
                generators[c] = set.generatorId(e);
                labels[c] = generators[c] == 0 ? 0 : 1;
                ids[c] = set.sampleId(e);
                double z = logits[c];
                scores[c] = (float) (1 / (1 + Math.exp(-z)));
                losses[c] = (float) (Math.max(z, 0) - z * labels[c] + Math.log1p(Math.exp(-Math.abs(z))));
                local[c] = e - start; // crops of one image share its index: the collector fuses them (mean score)
            }
            collector.add(new PredictionsCollector.CropBatch(scores, losses, labels, generators, ids, local));
        }
        Map<Long, Integer> pairing = new HashMap<>();
        for (int i = 0; i < n; i++) {
            pairing.put(set.sampleId(i), set.pairedGenerator()[i]);
        }
        List<String> names = data.generatorIdToName();
        List<List<String>> timeline = plan.timeline().windows();
        PredictionsFile predictions = collector.build(names, timeline, id -> pairing.getOrDefault(id, -1));
        Path file = predictions.writeEvaluation(layout.windowFolder(k), stageKey, epoch, globalStep);
        Log.info("window %d: %s predictions %s", k, stageKey, file);
        if (stage == null) {
            return;
        }

        double threshold = config.model().classificationThreshold();
        var images = new EvaluatedImages(predictions.fusedScores(), predictions.fusedGeneratorIds(), predictions.pairing());
        Map<String, Double> scalars = new LinkedHashMap<>(EpochMetrics.loggable(
                EpochMetrics.evaluationEpoch(stage, images, names, threshold)));
        WindowsOrder order = WindowsOrder.fromNames(timeline, names);
        for (Mechanism mechanism : Mechanism.logged()) {
            scalars.putAll(EpochMetrics.loggable(EpochMetrics.slidingEpoch(mechanism, stage, images, order, k, threshold)));
        }
        double meanLoss = 0;
        for (float l : predictions.fusedLosses()) {
            meanLoss += l;
        }
        scalars.put(stage == Stage.TEST ? "test_loss" : "val_loss", meanLoss / Math.max(1, predictions.fusedLosses().length));
        scalars.put(stage.key() + "_window", (double) k);
        scalars.put("step", (double) (loggingInitialStep + globalStep));
        tb.scalars(scalars, loggingInitialStep + globalStep);
        Double next = scalars.get("immediate_future_" + stage.key() + "_BinaryAUROC_epoch/all");
        Double all = scalars.get(stage.key() + "_BinaryAUROC_epoch/all");
        Log.info("window %d: %s AUROC %s on all images, %s on the next window's generators%s", k, stage.key(), format(all), format(next),
                k == windowCount() - 1 ? " (the last window falls back to its own)" : "");
    }

    private static String format(Double v) {
        return v == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    private TensorBoardWriter openTensorBoard(List<LoggerConfig> loggers) {
        for (LoggerConfig logger : loggers) {
            if (logger instanceof LoggerConfig.TensorBoard t) {
                return TensorBoardWriter.open(t.saveDir().resolve(t.name()).resolve(String.valueOf(t.version())));
            }
        }
        return TensorBoardWriter.open(layout.windowFolder(0).resolveSibling(".no-logger-events"));
    }

    @Override
    public void close() {
        try {
            backbone.close();
        } finally {
            try {
                data.close();
            } finally {
                backend.close();
            }
        }
    }
}
