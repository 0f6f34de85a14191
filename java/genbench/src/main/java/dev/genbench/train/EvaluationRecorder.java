package dev.genbench.train;

import dev.genbench.config.GenbenchConfig;
import dev.genbench.config.LoadedConfig;
import dev.genbench.config.LoggerConfig;
import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.evaluate.EvaluationOptions;
import dev.genbench.evaluate.EvaluationText;
import dev.genbench.evaluate.PredictionsEvaluator;
import dev.genbench.image.DecodeLimits;
import dev.genbench.extension.Callback;
import dev.genbench.extension.CropScores;
import dev.genbench.extension.EvaluatedScores;
import dev.genbench.extension.EvaluationBatch;
import dev.genbench.extension.Extensions;
import dev.genbench.image.EvaluationPipeline;
import dev.genbench.image.ItemPipeline;
import dev.genbench.image.LoaderSettings;
import dev.genbench.image.TensorType;
import dev.genbench.image.TrainingAugmentations;
import dev.genbench.image.TrainingPipeline;
import dev.genbench.io.PredictionsCollector;
import dev.genbench.io.PredictionsFile;
import dev.genbench.io.TensorBoardWriter;
import dev.genbench.metrics.EpochMetrics;
import dev.genbench.metrics.EvaluatedImages;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.Stage;
import dev.genbench.metrics.WindowsOrder;
import dev.genbench.models.ModelCard;
import dev.genbench.protocol.BenchmarkData;
import dev.genbench.protocol.EvaluationSet;
import dev.genbench.protocol.ProtocolPlan;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What every detector's run shares once it has logits: the window's training and evaluation pipelines
 * from the configuration, crop logits turned into scores and losses, the predictions files, the metrics
 * logged to TensorBoard (SPEC §8, §9) and the end-of-run table, so that {@code _probe} and {@code _tune}
 * runs write the same files the same way. Stateless apart from what it reads.
 */
final class EvaluationRecorder {
    private final GenbenchConfig config;
    private final BenchmarkData data;
    private final ProtocolPlan plan;
    private final ExperimentLayout layout;
    private final Extensions extensions;

    EvaluationRecorder(GenbenchConfig config, BenchmarkData data, ProtocolPlan plan, ExperimentLayout layout, Extensions extensions) {
        this.config = config;
        this.data = data;
        this.plan = plan;
        this.layout = layout;
        this.extensions = extensions;
    }

    /**
     * Where window k's training starts (SPEC §4.3, §4.5).
     *
     * @param loggingInitialStep the window's logging offset ({@code logging_initial_step})
     * @param store the window's checkpoints
     * @param resume the newest checkpoint of this window that verifies, when the layout says to resume it
     * @param baseWeights the previous window's checkpoint to start from, when not resuming
     * @param configSha256 the hash of the run's configuration, stored in every checkpoint
     * @param callbacks told of every checkpoint written
     */
    record WindowStart(int window, long loggingInitialStep, CheckpointStore store, Optional<CheckpointStore.Loaded> resume,
            Optional<Path> baseWeights, String configSha256, Callback callbacks) {

        /** A checkpoint whose training finished: the run stopped before the window was marked done; only evaluate it. */
        boolean trainingComplete() {
            return resume.isPresent() && TrainingState.trainingComplete(resume.get().state());
        }

        /** The metadata every checkpoint of the window carries, with the run's own entries added. */
        Map<String, Object> metadata(String modelName, Map<String, Object> extra) {
            Map<String, Object> base = new LinkedHashMap<>();
            base.put("model_name", modelName);
            base.put("window", window);
            base.putAll(extra);
            base.put("logging_initial_step", loggingInitialStep);
            base.put("config_sha256", configSha256);
            return base;
        }

        /** Writes the window-end checkpoint (training complete), before validation so a stop there loses no training. */
        Path saveFinal(Map<String, Object> metadata, java.util.function.Consumer<TrainingState> model, long epoch, long globalStep) {
            TrainingState state = new TrainingState(metadata);
            model.accept(state);
            Path file = store.save(state.loop(Map.of("epoch", epoch, "global_step", globalStep), Map.of()).build(true), epoch, globalStep);
            Log.info("window %d: checkpoint %s", window, file);
            callbacks.onCheckpointSaved(window, file);
            return file;
        }
    }

    /**
     * Opens window k for training (SPEC §4.5): refuses a configuration that differs from the one the
     * experiment ran with unless {@code force} ({@link ConfigDrift}), creates the window's folder, writes
     * {@code experiment_parameters.yaml} and {@code fit_config.yaml}, clears what a killed checkpoint write
     * left, and finds the checkpoint to resume (the newest that verifies) or the weights to start from.
     */
    WindowStart startTrainingWindow(ExperimentLayout.TrainingStep step, boolean force) {
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
        layout.saveExperimentParameters(k, loggingInitialStep, config.trainer().logger()); // a null logger list is handled there
        layout.saveConfig(k, "fit", configYaml);
        return new WindowStart(k, loggingInitialStep, store, resume, baseWeights, ConfigDrift.hash(configYaml), extensions.callbacks());
    }

    /** When checkpoints are written during window training, from {@code checkpoint_callback}, with the window's metadata. */
    TrainingSteps.Checkpointing checkpointing(WindowStart start, Map<String, Object> metadata) {
        var callback = config.checkpointCallback();
        Integer n = callback == null ? null : callback.everyNTrainSteps();
        // train_time_interval as Lightning writes a timedelta (0:30:00) or seconds
        String interval = callback == null ? null : callback.trainTimeInterval();
        return new TrainingSteps.Checkpointing(start.store(), n == null ? 0 : n,
                interval == null ? null : CheckpointStore.parseInterval(interval), metadata, extensions.callbacks());
    }

    /** The checkpoint a {@code validate}, {@code test} or {@code predict} of window k reads, and its logging offset. */
    record EvaluationTarget(Path file, ProbeCheckpoint checkpoint, long loggingInitialStep) {
        long epoch() {
            return ((Number) checkpoint.metadata().getOrDefault("epoch", 0)).longValue();
        }
    }

    /**
     * Resolves window k's checkpoint for a stage (the explicit one, else the window's latest), writes the
     * stage's config into the window folder and says what it evaluates.
     */
    EvaluationTarget startEvaluation(int k, String stageKey, java.util.Optional<Path> explicitCheckpoint) {
        Path file = explicitCheckpoint.or(() -> new CheckpointStore(layout.checkpointsFolder(k)).latestValid()
                .map(CheckpointStore.Loaded::file)).orElseThrow(() -> new UserError(
                "window " + k + " of experiment '" + layout.experimentFolder() + "' has no checkpoint to evaluate"));
        ProbeCheckpoint checkpoint = ProbeCheckpoint.read(file);
        long offset = config.experimentInfo().loggingInitialStep() != null
                ? config.experimentInfo().loggingInitialStep() : checkpoint.globalStep();
        layout.createWindow(k);
        layout.saveConfig(k, stageKey, LoadedConfig.toYaml(config));
        Log.info("window %d: %s with %s", k, stageKey, file);
        return new EvaluationTarget(file, checkpoint, offset);
    }

    /**
     * The training pipeline of the configured model class (baseline or soft augmentations) and input size,
     * with the detection module's augmentations.
     */
    ItemPipeline trainingPipeline() {
        var augmentations = config.model().softTrainAugmentations() ? TrainingAugmentations.SOFT : TrainingAugmentations.BASELINE;
        var size = config.model().modelInputSize();
        return extensions.trainingPipeline(new TrainingPipeline(maximumProcessingSize(), augmentations,
                config.model().trainingCroppingStrategy(), size.width(), size.height()));
    }

    /** The mandatory evaluation preprocessing, then the configured cropping (or the detection module's views). */
    ItemPipeline evaluationPipeline() {
        var size = config.model().modelInputSize();
        return extensions.evaluationPipeline(new EvaluationPipeline(maximumProcessingSize(), config.model().evaluationCroppingStrategy(),
                size.width(), size.height()));
    }

    /** An evaluation's collector, fusing crop scores with the detection module's fusion. */
    PredictionsCollector newCollector() {
        return extensions.predictionsCollector();
    }

    /**
     * The loader's settings for a model card: its tensor layout and normalisation, the configured workers,
     * bad-image policy, decode limits and augmentation determinism; unordered unless {@code ordered}.
     */
    static LoaderSettings loaderSettings(GenbenchConfig config, ModelCard card, int batchSize, boolean ordered) {
        return LoaderSettings.defaults(batchSize)
                .withWorkers(Math.max(1, config.data().numWorkers()))
                .withOnBadImage(config.data().onBadImage())
                .withTensor(card.input().layout(), TensorType.FLOAT32)
                .withNormalization(card.input().normalization())
                .withDecodeLimits(new DecodeLimits(config.data().maxImagePixels()))
                .withDeterministicAugmentations(config.data().deterministicAugmentations())
                // Seeding the random part too makes it the same however many runs (interrupted, resumed,
                // sharded) fill a feature cache or train a window.
                .withFreeSeed(config.data().deterministicAugmentations() ? config.seedEverything().seed() : null)
                .withKeepOrder(ordered);
    }

    private OptionalInt maximumProcessingSize() {
        Integer m = config.data().maximumProcessingSize();
        return m == null ? OptionalInt.empty() : OptionalInt.of(m);
    }

    /**
     * Scores and losses of {@code count} crops from their logits (the detection module's evaluation step:
     * by default sigmoid and BCE); crop c belongs to element {@code image[c]} of the evaluation set and the
     * collector fuses crops of one image.
     */
    PredictionsCollector.CropBatch cropBatch(EvaluationSet set, float[] logits, int[] image, int count, int start) {
        long[] labels = new long[count];
        long[] generators = new long[count];
        long[] ids = new long[count];
        int[] local = new int[count];
        int[] images = java.util.Arrays.copyOf(image, count);
        for (int c = 0; c < count; c++) {
            int e = image[c];
            generators[c] = set.generatorId(e);
            labels[c] = generators[c] == 0 ? 0 : 1;
            ids[c] = set.sampleId(e);
            local[c] = e - start;
        }
        CropScores scored = extensions.evaluationStep(
                new EvaluationBatch(java.util.Arrays.copyOf(logits, count), labels, generators, images));
        return new PredictionsCollector.CropBatch(scored.scores(), scored.losses(), labels, generators, ids, local);
    }

    /**
     * Writes window k's predictions file for a scored set and, unless {@code stage} is null (predict),
     * logs its metrics and the sliding-window mechanisms at the given step.
     */
    void record(int k, PredictionsCollector collector, EvaluationSet set, String stageKey, Stage stage, long epoch, long globalStep,
            long loggingInitialStep, TensorBoardWriter tb) {
        int n = set.size();
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
            extensions.callbacks().onPredictEnd(new Callback.EvaluationResult(k, stageKey, file, Map.of()));
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
        Map<String, Double> custom = extensions.computeMetrics(new EvaluatedScores(predictions.fusedScores(), predictions.fusedLabels(),
                predictions.fusedGeneratorIds(), predictions.pairing(), names, k, stage.key(), threshold));
        custom.forEach((name, value) -> {
            scalars.put(stage.key() + "_" + name + "_epoch/all", value);
            Log.info("window %d: %s %s %s", k, stage.key(), name, format(value));
        });
        tb.scalars(scalars, loggingInitialStep + globalStep);
        Double next = scalars.get("immediate_future_" + stage.key() + "_BinaryAUROC_epoch/all");
        Double all = scalars.get(stage.key() + "_BinaryAUROC_epoch/all");
        Log.info("window %d: %s AUROC %s on all images, %s on the next window's generators%s", k, stage.key(), format(all), format(next),
                k == plan.windows().size() - 1 ? " (the last window falls back to its own)" : "");
        var result = new Callback.EvaluationResult(k, stage.key(), file, java.util.Collections.unmodifiableMap(scalars));
        if (stage == Stage.TEST) {
            extensions.callbacks().onTestEnd(result);
        } else {
            extensions.callbacks().onValidationEnd(result);
        }
    }

    private static String format(Double v) {
        return v == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    /** The per-window next-period table and the headline, from the windows' {@code stageKey} predictions files. */
    String summary(String stageKey) {
        Stage stage = stageKey.equals("test") ? Stage.TEST : Stage.VALIDATE;
        var evaluation = PredictionsEvaluator.evaluateExperiment(layout.experimentFolder(),
                new EvaluationOptions(stage, config.model().classificationThreshold(), true), extensions.customFusion().orElse(null));
        return EvaluationText.render(evaluation, Mechanism.IMMEDIATE_FUTURE);
    }

    /** The window's TensorBoard writer (the first TensorBoard logger), or a writer beside the windows when none is configured. */
    TensorBoardWriter openTensorBoard(List<LoggerConfig> loggers) {
        for (LoggerConfig logger : loggers) {
            if (logger instanceof LoggerConfig.TensorBoard t) {
                return TensorBoardWriter.open(t.saveDir().resolve(t.name()).resolve(String.valueOf(t.version())));
            }
        }
        return TensorBoardWriter.open(layout.windowFolder(0).resolveSibling(".no-logger-events"));
    }

    /** The set a stage evaluates: the validation or test set of the plan, or for predict the whole validation split. */
    EvaluationSet evaluationSet(String stageKey) {
        return switch (stageKey) {
            case "validate" -> plan.validation();
            case "test" -> plan.test();
            case "predict" -> wholeValidationSplit();
            default -> throw new IllegalArgumentException(stageKey);
        };
    }

    /** The metrics a stage logs; null for predict, which writes predictions without metrics (SPEC §12 item 16). */
    static Stage metricsStage(String stageKey) {
        return switch (stageKey) {
            case "validate" -> Stage.VALIDATE;
            case "test" -> Stage.TEST;
            default -> null;
        };
    }

    /** The predict stage's set: the whole validation split, unbalanced and in stored order, no pairing. */
    private EvaluationSet wholeValidationSplit() {
        var split = data.validation().labelled();
        int[] positions = java.util.stream.IntStream.range(0, split.size()).toArray();
        int[] paired = new int[positions.length];
        java.util.Arrays.fill(paired, -1);
        return new EvaluationSet(dev.genbench.protocol.EvaluationStage.VALIDATION, split, positions, paired);
    }
}
