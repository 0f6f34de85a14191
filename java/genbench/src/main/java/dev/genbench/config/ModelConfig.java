package dev.genbench.config;

import dev.genbench.image.EvaluationCropping;
import dev.genbench.image.TrainingCropping;
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

    /** The class paths of the built-in model (the original's and our short names); any other names a user's plug-in. */
    public static java.util.List<String> builtInClassPaths() {
        return java.util.List.of(ModelConfig.class.getAnnotation(ClassPaths.class).value());
    }

    /** Whether {@code class_path} names the built-in model rather than a user's plug-in module. */
    public boolean builtInClass() {
        return builtInClassPaths().contains(classPath);
    }

    /**
     * Whether the model is the original's {@code SoftTrainAugmentationsModel}: the same detector, whose
     * deterministic training augmentations are the evaluation distortions (SPEC §6.3) instead of the
     * baseline ones.
     */
    public boolean softTrainAugmentations() {
        return classPath.endsWith("SoftTrainAugmentationsModel");
    }

    public enum Task { BINARY, MULTICLASS }
}
