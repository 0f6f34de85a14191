package dev.genbench.extension;

import dev.genbench.engine.Ops;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.optim.Optimizer;
import dev.genbench.engine.optim.Optimizers;
import dev.genbench.image.ImageOp;
import dev.genbench.io.PredictionsCollector;
import dev.genbench.models.FeatureExtractor;
import java.util.List;

/**
 * The detection module: what a detector computes, hook by hook, as the original's
 * {@code BaseDeepfakeDetectionModel} lets a subclass override it. A user class named by
 * {@code model.class_path} implements this interface and overrides only what it changes: every method's
 * default is genbench's built-in behaviour. The class is loaded from the plug-in path ({@link Plugins}) and
 * needs a public no-argument constructor; the usual model keys stay in {@code model.init_args}.
 *
 * <p>Which run uses which hook (the package comment has the full order):
 * <table>
 *   <caption>hooks by path</caption>
 *   <tr><th>hook</th><th>{@code _probe}</th><th>{@code _tune}</th></tr>
 *   <tr><td>{@link #featureExtractor}, {@link #cacheKey}</td><td>yes</td><td>no (the backbone is trained)</td></tr>
 *   <tr><td>{@link #trainingStep}, {@link #configureOptimizers}</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>{@link #evaluationStep}, {@link #fuseScores}, {@link #registerMetrics}</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>{@link #trainingAugmentations}, {@link #trainingRandomAugmentations}, {@link #evaluationCrops}</td>
 *       <td>yes (they enter the feature cache key)</td><td>yes</td></tr>
 * </table>
 *
 * <p>Hooks are called from one thread at a time, except the image hooks' results ({@link ImageOp},
 * {@link EvaluationCrops}), which the loader's workers run concurrently: keep those stateless.
 */
public interface DetectorModule {

    /** The built-in module ({@code algorithms.BaseDeepfakeDetectionModel} and its aliases). */
    DetectorModule STANDARD = new DetectorModule() {};

    // ---------------------------------------------------------------- features (_probe)

    /**
     * The feature extractor a {@code _probe} run uses, given the card's backbone on ONNX Runtime. The default
     * returns it as is; override to wrap it (transform or extend its features) or replace it. What it returns
     * is closed by the run (close the given backbone from it when wrapping).
     */
    default FeatureExtractor featureExtractor(FeatureExtractor cardBackbone) {
        return cardBackbone;
    }

    /**
     * Part of the feature cache's key when this class overrides {@link #featureExtractor}, {@link
     * #trainingAugmentations}, {@link #trainingRandomAugmentations} or {@link #evaluationCrops}, so that
     * features computed differently never mix: change it whenever what those compute changes (for
     * instance put a version or the settings in it). Default: the class name.
     */
    default String cacheKey() {
        return getClass().getName();
    }

    // ---------------------------------------------------------------- training

    /**
     * The loss of one training batch, as an engine tensor computed from {@code batch.logits()} so that
     * autodiff reaches the trainable parameters; the trainer divides it by {@code accumulate_grad_batches},
     * runs backward and steps the optimizer. Must be a scalar (shape [] or [1]). Default: binary
     * cross-entropy with logits averaged over the batch, labels fake = 1, real = 0 (SPEC §7.4).
     */
    default Tensor trainingStep(TrainingBatch batch) {
        return Ops.bceWithLogits(batch.logits(), batch.labels(), true);
    }

    /**
     * The optimizer and its learning-rate schedule for one window, given the trainable parameters and the
     * YAML's {@code model.init_args.optimizer} and {@code scheduler}. Default: the configured optimizer
     * (torch semantics, one parameter group) with OneCycleLR over the window's optimizer steps (SPEC §7.5).
     * The trainer owns and closes the returned optimizer.
     */
    default OptimizerSetup configureOptimizers(OptimizerContext context) {
        Optimizer optimizer = Optimizers.create(context.optimizer().classPath(), context.optimizerInitArgs(), context.parameters());
        return new OptimizerSetup(optimizer, LrSchedule.oneCycle(optimizer, context.optimizer().lr(), context.totalSteps()));
    }

    // ---------------------------------------------------------------- evaluation

    /**
     * The scores (P(fake), in [0, 1]) and losses of a batch of evaluation crops, from their logits. Default:
     * the sigmoid of the logit, and binary cross-entropy with logits per crop (SPEC §7.4).
     */
    default CropScores evaluationStep(EvaluationBatch batch) {
        return CropScores.standard(batch);
    }

    /**
     * One image's score from the scores of its crops (one crop unless the evaluation takes several, as
     * {@code multicrop} does). Default: their mean, as the original's multicrop evaluation (SPEC §6.4). The
     * image's loss is always the mean of its crops' losses.
     */
    default float fuseScores(float[] cropScores) {
        return PredictionsCollector.MEAN.fuse(cropScores);
    }

    /**
     * Adds metrics computed, at the end of each validation and test, from the images' fused scores, labels
     * and generators; they are logged beside the built-in ones (TensorBoard, {@code <stage>_<name>_epoch/all})
     * and printed. The built-in metrics are always computed. Default: none.
     */
    default void registerMetrics(MetricRegistry registry) {
        // the built-in metrics need no registration
    }

    // ---------------------------------------------------------------- images

    /**
     * The deterministic part of the training augmentations, run after the mandatory training preprocessing
     * with the item's seeded RNG (the original's first {@code train_augmentation()} callable). Default: the
     * model class's steps (SPEC §6.3; the soft ones for {@code SoftTrainAugmentationsModel}). Return a new
     * list to add, remove or replace steps. Enters the feature cache key ({@link #cacheKey}).
     */
    default List<ImageOp> trainingAugmentations(List<ImageOp> standard) {
        return standard;
    }

    /**
     * The random part of the training augmentations, run after the deterministic part and before the size
     * adaptation of {@code training_cropping_strategy} (the original's second callable; the benchmark
     * protocol allows only flips, rotations and crops here). Default: rotation by a multiple of 90° and a
     * horizontal flip. Enters the feature cache key.
     */
    default List<ImageOp> trainingRandomAugmentations(List<ImageOp> standard) {
        return standard;
    }

    /**
     * The views taken from an evaluation image after the mandatory evaluation preprocessing (the original's
     * {@code make_eval_crops}). Default: {@code evaluation_cropping_strategy} (resize, centre crop, FiveCrop
     * multicrop, as is). Enters the feature cache key through {@link EvaluationCrops#key()}.
     */
    default EvaluationCrops evaluationCrops(EvaluationCrops standard) {
        return standard;
    }
}
