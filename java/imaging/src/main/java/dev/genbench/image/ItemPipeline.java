package dev.genbench.image;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Everything between a decoded image and the crops that become tensors: mandatory preprocessing, the
 * model's augmentations and the cropping strategy.
 */
public interface ItemPipeline {

    /**
     * Runs the pipeline on {@code decoded}, which this call consumes (closes). Returns the crops, which the
     * caller closes.
     *
     * @param itemRng seeded from the item seed (SPEC §5): drives every reproducible choice
     * @param freeRng drives the deliberately non-reproducible training steps (unused in evaluation)
     */
    List<Mat> run(Mat decoded, SeededRng itemRng, SeededRng freeRng);

    /** The most crops one image yields (5 for multicrop, else 1). */
    int maxCrops();

    /** True when every crop has the model's input size, so crops fit a fixed tensor shape. */
    boolean fixedSize();

    int inputWidth();

    int inputHeight();
}
