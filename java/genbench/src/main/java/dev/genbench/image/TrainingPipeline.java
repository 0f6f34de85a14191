package dev.genbench.image;


import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The training chain (SPEC §5, §6.1, §6.3): the deterministic part (RandomCropIfLarge, then the model's
 * first callable) driven by the item RNG, so a (sample, replica) gets the same augmented image in every
 * epoch, run and window; then the non-deterministic part (rotation, flip, size adaptation) driven by the
 * free RNG, which the original seeds from OS entropy on purpose.
 *
 * <p>Immutable and thread-safe.
 */
public record TrainingPipeline(OptionalInt maximumProcessingSize, TrainingAugmentations augmentations,
        TrainingCropping cropping, int inputWidth, int inputHeight) implements ItemPipeline {

    public TrainingPipeline {
        if (inputWidth < 1 || inputHeight < 1) {
            throw new IllegalArgumentException("model_input_size must be positive, got " + inputWidth + "x" + inputHeight);
        }
    }

    /** The deterministic part: mandatory training preprocessing followed by the augmentations' first callable. */
    public OpChain deterministicPart() {
        return deterministicPart(augmentations.deterministicSteps());
    }

    private OpChain deterministicPart(List<ImageOp> modelSteps) {
        List<ImageOp> steps = new ArrayList<>(MandatoryPreprocessing.training(maximumProcessingSize).steps());
        steps.addAll(modelSteps);
        return new OpChain(steps);
    }

    @Override
    public List<Mat> run(Mat decoded, SeededRng itemRng, SeededRng freeRng) {
        return run(decoded, itemRng, freeRng, augmentations.deterministicSteps(), TrainingAugmentations.nonDeterministicSteps());
    }

    /**
     * The same chain with other model augmentations (a detection module's, dev.genbench.extension): the
     * mandatory training preprocessing and {@code deterministic} on the item RNG, then {@code random} and the
     * size adaptation on the free RNG. {@code decoded} is consumed; the crop is the caller's.
     */
    public List<Mat> run(Mat decoded, SeededRng itemRng, SeededRng freeRng, List<ImageOp> deterministic, List<ImageOp> random) {
        Mat augmented = deterministicPart(deterministic).run(decoded, itemRng);
        try (Mat turned = new OpChain(random).run(augmented, freeRng)) {
            return List.of(adaptSize(turned, freeRng));
        }
    }

    /** Size adaptation per {@code training_cropping_strategy}; {@code image} stays the caller's. */
    public Mat adaptSize(Mat image, SeededRng rng) {
        return switch (cropping) {
            case RESIZE -> Interpolation.BILINEAR.resizeAntialiased(image, inputWidth, inputHeight);
            case RANDOM_CROP -> Crops.random(image, inputWidth, inputHeight, rng);
            case CENTER_CROP -> Crops.center(image, inputWidth, inputHeight);
            case AS_IS -> new Mat(image);
        };
    }

    @Override
    public int maxCrops() {
        return 1;
    }

    @Override
    public boolean fixedSize() {
        return cropping != TrainingCropping.AS_IS;
    }
}
