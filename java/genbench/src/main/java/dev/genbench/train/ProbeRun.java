package dev.genbench.train;

import dev.genbench.config.GenbenchConfig;
import dev.genbench.config.LoadedConfig;
import dev.genbench.config.LoggerConfig;
import dev.genbench.config.TrainerConfig;
import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.engine.Backend;
import dev.genbench.engine.cpu.CpuBackend;
import dev.genbench.extension.Extensions;
import dev.genbench.extension.Plugins;
import dev.genbench.image.AugmentationSeeds;
import dev.genbench.io.FaultPoints;
import dev.genbench.io.PredictionsCollector;
import dev.genbench.io.StateFile;
import dev.genbench.io.TensorBoardWriter;
import dev.genbench.metrics.Stage;
import dev.genbench.models.FeatureCache;
import dev.genbench.models.LinearHead;
import dev.genbench.models.ModelCatalogue;
import dev.genbench.models.FeatureExtractor;
import dev.genbench.models.OrtBackbone;
import dev.genbench.protocol.BenchmarkData;
import dev.genbench.protocol.EvaluationSet;
import dev.genbench.protocol.ProtocolPlan;
import dev.genbench.protocol.WindowPlan;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code _probe} path of {@code fit}: window after window (SPEC §4.4), features of the window's
 * training list from the cache (computed once), a linear head trained on them with the configured
 * optimizer and OneCycleLR, validation predictions, metrics and TensorBoard scalars, a checkpoint, the
 * {@code done} marker; at the end a table of per-window next-period AUROC and the headline.
 *
 * <p>One instance per command; it owns the dataset, the backbone and the engine backend and closes them.
 */
public final class ProbeRun implements DetectorRun {

    private final LoadedConfig loaded;
    private final GenbenchConfig config;
    private final ExperimentLayout layout;
    private final BenchmarkData data;
    private final ProtocolPlan plan;
    private final ModelCatalogue.Resolved model;
    private final FeatureExtractor backbone;
    private final Extensions extensions;
    private final Backend backend;
    private final Path cacheRoot;
    private final long seed;
    private final EvaluationRecorder recorder;

    private ProbeRun(LoadedConfig loaded, ExperimentLayout layout, BenchmarkData data, ProtocolPlan plan,
            ModelCatalogue.Resolved model, Extensions extensions, FeatureExtractor backbone, Path cacheRoot, long seed) {
        this.loaded = loaded;
        this.config = loaded.config();
        this.layout = layout;
        this.data = data;
        this.plan = plan;
        this.model = model;
        this.backbone = backbone;
        this.extensions = extensions;
        this.backend = CpuBackend.create();
        this.cacheRoot = cacheRoot;
        this.seed = seed;
        this.recorder = new EvaluationRecorder(config, data, plan, layout, extensions);
    }

    /**
     * Opens what a probe run needs.
     *
     * @param modelsFolder the model cards ({@code models/onnx})
     * @param cacheRoot the feature cache root
     * @param seed the resolved {@code seed_everything}
     * @param plugins where a user's {@code model.class_path} and callbacks are loaded from
     */
    public static ProbeRun open(LoadedConfig loaded, ExperimentLayout layout, Path modelsFolder, Path cacheRoot, long seed,
            Plugins plugins) {
        GenbenchConfig config = loaded.config();
        ModelCatalogue.Resolved model = ModelCatalogue.load(modelsFolder).resolve(config.model().modelName());
        if (model.variant() != ModelCatalogue.Variant.PROBE) {
            throw new UserError("model_name '" + config.model().modelName() + "' is a _tune model, which computes no cached"
                    + " features; cache-features is for _probe models (fit, validate, test and predict take both)");
        }
        if (config.trainer().precision() != TrainerConfig.Precision.FP32_TRUE && config.trainer().precision() != TrainerConfig.Precision.FP32) {
            throw new UserError("trainer.precision " + config.trainer().precision().yaml() + " is not available on CPU;"
                    + " use 32-true (the original's default)");
        }
        Extensions extensions = Extensions.load(config, plugins); // before any data: a wrong plug-in fails at once
        BenchmarkData data = BenchmarkData.open(config);
        try {
            ProtocolPlan plan = ProtocolPlan.build(data.catalogue(), data.train().labelled(), data.validation().labelled(),
                    ProtocolPlan.Settings.of(config));
            // trainer.accelerator gpu/cuda puts the backbone on ONNX Runtime's CUDA provider; the linear head is
            // small and trains on the CPU engine either way.
            FeatureExtractor backbone = extensions.featureExtractor(
                    OrtBackbone.open(model, OrtBackbone.Options.forTrainer(config.trainer())));
            return new ProbeRun(loaded, layout, data, plan, model, extensions, backbone, cacheRoot, seed);
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
    }

    public int windowCount() {
        return plan.windows().size();
    }

    /** Trains the windows from where the experiment stands (or the one window asked for); returns the windows trained. */
    @Override
    public List<Integer> fit(boolean force) {
        return DetectorRun.trainWindows(layout, plan, config.experimentInfo().slidingWindowsDefinition().currentWindow(),
                extensions.callbacks(), config.model().modelName(), step -> trainWindow(step, force));
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
        Log.info("window %d: generators %s, %d training samples x %d replicas", k, window.generators(),
                window.training().length, config.data().augmentationFactor());

        try (TensorBoardWriter tb = openTensorBoard(layout.windowLoggers(loggers, k));
                FeatureCache trainCache = ProbeFeatures.fill(cacheRoot, trainJob(k, window), backbone, config, FeatureCache.Shard.all());
                FeatureCache evalCache = ProbeFeatures.fill(cacheRoot, evaluationJob(), backbone, config, FeatureCache.Shard.all());
                LinearHead head = initialHead(k, start.resume().map(CheckpointStore.Loaded::state), start.baseWeights(), trainCache)) {
            int epochs = config.trainer().maxEpochs() == null ? 1 : Math.max(1, config.trainer().maxEpochs());
            long epoch = epochs - 1;
            long globalStep;
            Map<String, Object> metadata = start.metadata(config.model().modelName(), Map.of("feature_width", head.width()));
            if (start.trainingComplete()) {
                globalStep = ProbeCheckpoint.of(start.resume().get().state()).globalStep();
                Log.info("window %d: its checkpoint %s is complete; validating it", k, start.resume().get().file());
            } else {
                start.resume().ifPresent(r -> Log.info("window %d: resuming from %s", k, r.file()));
                extensions.callbacks().onWindowStart(k);
                globalStep = trainHead(k, head, trainCache, epochs, loggingInitialStep, tb, recorder.checkpointing(start, metadata),
                        start.resume().map(CheckpointStore.Loaded::state));
                start.saveFinal(metadata, state -> state.model(head.state()), epoch, globalStep);
            }
            evaluate(k, head, evalCache, plan.validation(), Stage.VALIDATE.key(), Stage.VALIDATE, epoch, globalStep,
                    loggingInitialStep, tb);
            layout.markDone(k, loggingInitialStep, globalStep);
            extensions.callbacks().onWindowEnd(k);
            FaultPoints.reach("window-done");
        }
    }

    private ProbeFeatures.Job trainJob(int k, WindowPlan window) {
        var seeds = new AugmentationSeeds(config.data().augmentationsBaseSeed(), config.data().augmentationFactor());
        // The random stage after the cached deterministic one is drawn from a seed derived from seed_everything
        // (EvaluationRecorder.loaderSettings): another seed caches other draws.
        Map<String, Object> key = new LinkedHashMap<>(datasetKey("train"));
        key.put("training_draw_seed", config.data().deterministicAugmentations() ? config.seedEverything().seed() : null);
        return ProbeFeatures.Job.of("window " + k + " training features", new SplitSamples(data.train(), window.training()),
                recorder.trainingPipeline(), seeds, key);
    }

    private ProbeFeatures.Job evaluationJob() {
        return evaluationJob(plan.validation(), "validation features");
    }

    /** Evaluation views: the mandatory preprocessing seeded by position (SPEC §5), so any window reuses them. */
    private ProbeFeatures.Job evaluationJob(EvaluationSet set, String task) {
        return ProbeFeatures.Job.of(task, new SplitSamples(data.validation(), set.positions()), recorder.evaluationPipeline(),
                AugmentationSeeds.evaluation(config.data().augmentationsBaseSeed()), datasetKey("validation"));
    }

    /**
     * {@code validate}, {@code test} or {@code predict} with the latest checkpoint of each given window (or
     * one explicit checkpoint): predictions files in the window folder, and for validate and test the
     * metrics, logged to TensorBoard at the checkpoint's step (SPEC §4.4, §4.5).
     *
     * @param stageKey {@code validate}, {@code test} or {@code predict}
     */
    @Override
    public void evaluateWindows(String stageKey, List<Integer> windows, java.util.Optional<Path> explicitCheckpoint) {
        EvaluationSet set = recorder.evaluationSet(stageKey);
        Stage metricsStage = EvaluationRecorder.metricsStage(stageKey);
        List<LoggerConfig> loggers = config.trainer().logger(); // null (no logger key) is handled by windowLoggers
        for (int k : windows.isEmpty() ? List.of(0) : windows) {
            EvaluationRecorder.EvaluationTarget target = recorder.startEvaluation(k, stageKey, explicitCheckpoint);
            try (TensorBoardWriter tb = openTensorBoard(layout.windowLoggers(loggers, k));
                    FeatureCache cache = ProbeFeatures.fill(cacheRoot, evaluationJob(set, stageKey + " features"), backbone, config,
                            FeatureCache.Shard.all());
                    LinearHead head = LinearHead.fromState(backend, target.checkpoint().parameters(), backbone.featureWidth(),
                            target.file().toString())) {
                evaluate(k, head, cache, set, stageKey, metricsStage, target.epoch(), target.checkpoint().globalStep(),
                        target.loggingInitialStep(), tb);
            }
        }
    }

    private Map<String, Object> datasetKey(String split) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("dataset", String.valueOf(config.resolvedDatasetPath().toAbsolutePath().normalize()));
        key.put("split", split);
        key.put("rows", split.equals("train") ? data.train().size() : data.validation().size());
        // only a module with its own feature extractor: built-in caches keep their fingerprints
        extensions.featureCacheKey().ifPresent(k -> key.put("probe_model", k));
        return key;
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

    /** Read in chunks: a copy of a whole cache (1M rows x 1280 floats: 5 GB) would not fit a modest heap. */
    private static float[][] trainingStatistics(FeatureCache cache) {
        int width = cache.spec().width();
        int chunk = 4096;
        float[] rows = new float[chunk * width];
        var statistics = new LinearHead.Statistics(width);
        int n = 0;
        for (long r = 0; r < cache.spec().rows(); r++) {
            if (cache.isFilled(r)) {
                cache.get(r, rows, n++ * width);
                if (n == chunk) {
                    statistics.add(rows, n);
                    n = 0;
                }
            }
        }
        statistics.add(rows, n);
        return statistics.meanAndScale();
    }

    /** Epochs of minibatch training on cached features; returns the optimizer steps taken. */
    private long trainHead(int k, LinearHead head, FeatureCache cache, int epochs, long loggingInitialStep, TensorBoardWriter tb,
            TrainingSteps.Checkpointing checkpointing, Optional<StateFile> resume) {
        var settings = new HeadTrainer.Settings(config.trainer(), config.data().trainBatchSize(), config.data().augmentationFactor(),
                config.model().optimizer(), config.model().scheduler(), config.model().classificationThreshold(), seed);
        return new HeadTrainer(backend, settings, extensions).train(k, head, cache, labelsOf(k), epochs, loggingInitialStep, tb,
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
        var collector = recorder.newCollector();
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
            // crops of one image share its index: the collector fuses them
            collector.add(recorder.cropBatch(set, logits, image, kept, start));
        }
        recorder.record(k, collector, set, stageKey, stage, epoch, globalStep, loggingInitialStep, tb);
    }

    private TensorBoardWriter openTensorBoard(List<LoggerConfig> loggers) {
        return recorder.openTensorBoard(loggers);
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
