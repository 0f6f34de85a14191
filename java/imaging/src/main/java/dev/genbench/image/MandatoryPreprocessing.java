package dev.genbench.image;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The benchmark's mandatory preprocessing (SPEC §6.1, §6.2): what every model gets, whatever its own
 * augmentations, so that results stay comparable.
 */
public final class MandatoryPreprocessing {
    private MandatoryPreprocessing() {}

    /** Training: RandomCropIfLarge(T) when {@code maximum_processing_size} is set, else nothing. */
    public static OpChain training(OptionalInt maximumProcessingSize) {
        List<ImageOp> steps = new ArrayList<>();
        maximumProcessingSize.ifPresent(t -> steps.add(new RandomCropIfLarge(t)));
        return new OpChain(steps);
    }

    /**
     * Evaluation (validate, test, predict), in the original's order:
     * 0 RandomCropIfLarge(T) (random, seeded: SPEC §12 item 3), 1 grayscale p 0.10, 2 JPEG p 0.50,
     * 3 Gaussian noise p 0.30, 4 JPEG p 0.20, 5 RandomResizedCropVariable p 0.25, 6 JPEG p 0.10.
     */
    public static OpChain evaluation(OptionalInt maximumProcessingSize) {
        List<ImageOp> steps = new ArrayList<>();
        maximumProcessingSize.ifPresent(t -> steps.add(new RandomCropIfLarge(t)));
        steps.addAll(evaluationDistortions());
        return new OpChain(steps);
    }

    /** Steps 1–6 of the evaluation preprocessing (also the soft training augmentations, SPEC §6.3). */
    public static List<ImageOp> evaluationDistortions() {
        return List.of(
                new RandomGrayscale(0.10),
                JpegRecompression.evaluation(0.50),
                GaussianNoise.evaluation(0.30),
                JpegRecompression.evaluation(0.20),
                RandomResizedCropVariable.evaluation(0.25),
                JpegRecompression.evaluation(0.10));
    }
}
