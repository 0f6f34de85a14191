package dev.genbench.image;

import java.util.List;

/** The model-side training augmentations (the model's first callable, SPEC §6.3). */
public enum TrainingAugmentations {
    /** {@code make_baseline_train_aug}, used by every model YAML. */
    BASELINE,
    /** {@code SoftTrainAugmentationsModel}: the evaluation distortions 1–6 instead (no YAML uses it). */
    SOFT;

    /** The deterministic part that follows the mandatory training preprocessing. */
    public List<ImageOp> deterministicSteps() {
        return switch (this) {
            case BASELINE -> List.of(
                    RandomResizedCrop.trainingBaseline(),
                    ColorJitter.trainingBaseline(),
                    new RandomGrayscale(0.2),
                    CoarseDropout.trainingBaseline(),
                    GaussianNoise.trainingDefaults(0.2),
                    GaussianBlurOp.trainingBaseline(),
                    JpegRecompression.training(0.5));
            case SOFT -> MandatoryPreprocessing.evaluationDistortions();
        };
    }

    /** Rotation by a multiple of 90° (always) and a horizontal flip (p 0.5), before size adaptation. */
    public static List<ImageOp> nonDeterministicSteps() {
        return List.of(new RandomRotate90(), new RandomHorizontalFlip(0.5));
    }
}
