package dev.genbench.config;

import java.nio.file.Path;

/**
 * {@code model}: the detector (the original's {@code BaseDeepfakeDetectionModel}, SPEC §7, §10.2).
 * {@code model_name} picks a backbone card and the {@code _probe}/{@code _tune} variant.
 */
@ClassPaths(value = {"algorithms.BaseDeepfakeDetectionModel", "algorithms.base_model.BaseDeepfakeDetectionModel",
        "BaseDeepfakeDetectionModel", "algorithms.SoftTrainAugmentationsModel",
        "algorithms.soft_augmentations_model.SoftTrainAugmentationsModel", "SoftTrainAugmentationsModel"}, plugins = true)
public record ModelConfig(
        String classPath,
        String modelName,
        OptimizerConfig optimizer,
        @Default("OneCycleLR") String scheduler,
        @Default("224") InputSize modelInputSize,
        @Default("0.5") double classificationThreshold,
        @Nullable Path baseWeights,
        @Default("resize") TrainingCropping trainingCroppingStrategy,
        @Default("resize") EvaluationCropping evaluationCroppingStrategy,
        @Default("binary") Task trainingTask,
        @Default("binary") Task evaluationType) implements Component {

    public ModelConfig {
        if (scheduler != null && !scheduler.equals("OneCycleLR")) {
            throw new IllegalArgumentException("scheduler must be \"OneCycleLR\", the only schedule the original implements; got \""
                    + scheduler + "\"");
        }
        if (classificationThreshold < 0 || classificationThreshold > 1) {
            throw new IllegalArgumentException("classification_threshold must be within [0, 1], got " + classificationThreshold);
        }
        if (trainingTask == Task.BINARY && evaluationType == Task.MULTICLASS) {
            throw new IllegalArgumentException("training_task binary with evaluation_type multiclass is not a valid combination"
                    + " (a binary model has no per-generator outputs); use binary evaluation");
        }
    }

    /**
     * Whether the model is the original's {@code SoftTrainAugmentationsModel}: the same detector, whose
     * deterministic training augmentations are the evaluation distortions (SPEC §6.3) instead of the
     * baseline ones.
     */
    public boolean softTrainAugmentations() {
        return classPath.endsWith("SoftTrainAugmentationsModel");
    }

    /** {@code training_cropping_strategy} (SPEC §6.3): how a training image becomes the model's input size. */
    public enum TrainingCropping {
        RESIZE, RANDOM_CROP, CENTER_CROP, AS_IS;

        /** The value as written in YAML. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code evaluation_cropping_strategy} (SPEC §6.4): one resized or cropped view, five crops, or as is. */
    public enum EvaluationCropping {
        RESIZE, CROP, MULTICROP, AS_IS;

        /** The value as written in YAML. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The most crops one image yields: five for multicrop (FiveCrop), else one. */
        public int maxCrops() {
            return this == MULTICROP ? 5 : 1;
        }
    }

    public enum Task { BINARY, MULTICLASS }
}
