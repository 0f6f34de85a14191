package dev.genbench.extension;

import dev.genbench.config.CallbackConfig;
import dev.genbench.config.ClassPaths;
import dev.genbench.config.GenbenchConfig;
import dev.genbench.config.ModelConfig;
import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.engine.Tensor;
import dev.genbench.image.EvaluationPipeline;
import dev.genbench.image.ItemPipeline;
import dev.genbench.image.TrainingAugmentations;
import dev.genbench.image.TrainingPipeline;
import dev.genbench.io.PredictionsCollector;
import dev.genbench.models.FeatureExtractor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run's side of the extension API: the detection module and callbacks a configuration names, loaded
 * once, and the few calls through which {@code train} and {@code evaluate} use them, so that the runs
 * never ask whether a hook is a user's. Built-in behaviour goes through the same calls
 * ({@link DetectorModule#STANDARD}, no callbacks).
 *
 * <p>Not thread-safe except {@link #trainingPipeline} and {@link #evaluationPipeline}'s results.
 */
public final class Extensions {
    private final DetectorModule module;
    private final Callback callbacks;
    private final Map<String, EvaluationMetric> metrics;

    private Extensions(DetectorModule module, List<Callback> callbacks) {
        this.module = module;
        this.callbacks = new Callbacks(callbacks);
        var registry = new MetricRegistry();
        try {
            module.registerMetrics(registry);
        } catch (IllegalArgumentException e) {
            throw new UserError("model.class_path " + module.getClass().getName() + ": registerMetrics: " + e.getMessage(), e);
        }
        this.metrics = registry.metrics();
    }

    /** genbench's own behaviour: the built-in module, no callbacks. */
    public static Extensions standard() {
        return new Extensions(DetectorModule.STANDARD, List.of());
    }

    /**
     * The module {@code model.class_path} names (the built-in one for the original's class paths, else a
     * user class implementing {@link DetectorModule}) and the user callbacks of {@code trainer.callbacks},
     * loaded from {@code plugins}.
     */
    public static Extensions load(GenbenchConfig config, Plugins plugins) {
        ModelConfig model = config.model();
        DetectorModule module = DetectorModule.STANDARD;
        if (!model.builtInClass()) {
            module = plugins.instantiate(model.classPath(), DetectorModule.class, "model.class_path", ModelConfig.builtInClassPaths(),
                    Map.of());
            Log.info("model.class_path %s: a plug-in module (cache key '%s')", model.classPath(), module.cacheKey());
        }
        List<Callback> callbacks = new ArrayList<>();
        List<CallbackConfig> configured = config.trainer().callbacks() == null ? List.of() : config.trainer().callbacks();
        for (int i = 0; i < configured.size(); i++) {
            if (configured.get(i) instanceof CallbackConfig.Plugin p) {
                callbacks.add(plugins.instantiate(p.classPath(), Callback.class, "trainer.callbacks[" + i + "].class_path",
                        builtInCallbacks(), p.initArgs()));
                Log.info("trainer.callbacks[%d]: %s, a plug-in callback", i, p.classPath());
            }
        }
        return new Extensions(module, callbacks);
    }

    private static List<String> builtInCallbacks() {
        List<String> names = new ArrayList<>();
        for (Class<?> c : CallbackConfig.class.getPermittedSubclasses()) {
            names.addAll(Arrays.asList(c.getAnnotation(ClassPaths.class).value()));
        }
        return names;
    }

    /** The module, for hooks the runs call directly. */
    public DetectorModule module() {
        return module;
    }

    /** The callbacks, as one (no-op when none are configured). */
    public Callback callbacks() {
        return callbacks;
    }

    /** The extra metrics, by name. */
    public Map<String, EvaluationMetric> metrics() {
        return metrics;
    }

    /** Whether the module changes something the feature cache holds (extractor, augmentations, views). */
    private boolean overrides(String method, Class<?>... parameters) {
        try {
            return module.getClass().getMethod(method, parameters).getDeclaringClass() != DetectorModule.class;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("DetectorModule has no " + method, e);
        }
    }

    /**
     * The module's feature-cache entry: its {@link DetectorModule#cacheKey} when it overrides the feature
     * extractor, else none, so that the built-in caches keep their fingerprints and a module that only
     * changes training or scoring reuses them. Augmentations and views enter through the pipelines' keys.
     */
    public Optional<String> featureCacheKey() {
        return overrides("featureExtractor", FeatureExtractor.class) ? Optional.of(module.cacheKey()) : Optional.empty();
    }

    /**
     * Runs one of the module's hooks; a failure of a user's module becomes an error naming the class and the
     * hook (the built-in module's errors pass as they are).
     */
    private <T> T call(String hook, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            if (module == DetectorModule.STANDARD) {
                throw e;
            }
            throw new UserError("model.class_path " + module.getClass().getName() + " failed in " + hook + ": " + e, e);
        }
    }

    /** The extractor a probe run uses, from the card's backbone. */
    public FeatureExtractor featureExtractor(FeatureExtractor cardBackbone) {
        FeatureExtractor out = call("featureExtractor", () -> module.featureExtractor(cardBackbone));
        if (out == null) {
            throw new UserError("model.class_path " + module.getClass().getName() + ": featureExtractor returned null");
        }
        return out;
    }

    /** Warns, once per run, that the module's feature extractor does not apply to a {@code _tune} model. */
    public void warnIfFeaturesIgnored(String modelName) {
        if (overrides("featureExtractor", FeatureExtractor.class)) {
            Log.warn("model.class_path %s overrides featureExtractor, which only _probe models use; %s trains its backbone"
                    + " on the engine, so it is ignored", module.getClass().getName(), modelName);
        }
    }

    /**
     * The training chain: {@code standard} (with the soft augmentations for a {@link SoftTrainAugmentationsModule}),
     * or it with the module's augmentations when it overrides them.
     */
    public ItemPipeline trainingPipeline(TrainingPipeline standard) {
        if (module instanceof SoftTrainAugmentationsModule) {
            standard = new TrainingPipeline(standard.maximumProcessingSize(), TrainingAugmentations.SOFT, standard.cropping(),
                    standard.inputWidth(), standard.inputHeight());
        }
        if (!overrides("trainingAugmentations", List.class) && !overrides("trainingRandomAugmentations", List.class)) {
            return standard;
        }
        return ModulePipelines.training(module, standard);
    }

    /** The evaluation chain: {@code standard}, or the mandatory preprocessing and the module's views. */
    public ItemPipeline evaluationPipeline(EvaluationPipeline standard) {
        if (!overrides("evaluationCrops", EvaluationCrops.class)) {
            return standard;
        }
        return ModulePipelines.evaluation(module, standard);
    }

    /** The loss of a training batch ({@link DetectorModule#trainingStep}), checked to be a scalar. */
    public Tensor trainingLoss(TrainingBatch batch) {
        Tensor loss = call("trainingStep", () -> module.trainingStep(batch));
        if (loss == null || loss.elementCount() != 1) {
            throw new UserError("model.class_path " + module.getClass().getName() + ": trainingStep must return a scalar loss"
                    + " tensor, got " + (loss == null ? "null" : "shape " + loss.shape()));
        }
        return loss;
    }

    /** The optimizer and schedule of a window ({@link DetectorModule#configureOptimizers}). */
    public OptimizerSetup configureOptimizers(OptimizerContext context) {
        OptimizerSetup setup = call("configureOptimizers", () -> module.configureOptimizers(context));
        if (setup == null) {
            throw new UserError("model.class_path " + module.getClass().getName() + ": configureOptimizers returned null");
        }
        return setup;
    }

    /** Crop scores and losses of an evaluation batch ({@link DetectorModule#evaluationStep}), checked. */
    public CropScores evaluationStep(EvaluationBatch batch) {
        CropScores scores = call("evaluationStep", () -> module.evaluationStep(batch));
        if (scores == null || scores.scores().length != batch.crops()) {
            throw new UserError("model.class_path " + module.getClass().getName() + ": evaluationStep must return one score per crop ("
                    + batch.crops() + "), got " + (scores == null ? "null" : scores.scores().length));
        }
        return scores;
    }

    /** A collector that fuses each image's crop scores with the module's {@link DetectorModule#fuseScores}. */
    public PredictionsCollector predictionsCollector() {
        return new PredictionsCollector(scores -> call("fuseScores", () -> module.fuseScores(scores)));
    }

    /**
     * The module's score fusion when it overrides {@link DetectorModule#fuseScores}, for tables rebuilt from
     * predictions files; empty for the built-in mean, which those rebuild exactly as the original's script.
     */
    public Optional<java.util.function.ToDoubleFunction<float[]>> customFusion() {
        return overrides("fuseScores", float[].class) ? Optional.of(module::fuseScores) : Optional.empty();
    }

    /** The extra metrics on one evaluation, by name, in registration order. */
    public Map<String, Double> computeMetrics(EvaluatedScores images) {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach((name, metric) -> {
            try {
                out.put(name, metric.compute(images));
            } catch (RuntimeException e) {
                throw new UserError("metric '" + name + "' of model.class_path " + module.getClass().getName() + " failed: " + e, e);
            }
        });
        return out;
    }
}
