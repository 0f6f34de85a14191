package dev.genbench.image;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Runs steps in order and owns the intermediate images.
 *
 * @param steps applied first to last
 */
public record OpChain(List<ImageOp> steps) {
    public OpChain {
        steps = List.copyOf(steps);
    }

    /**
     * Runs every step on {@code input}, which this call consumes: the result (possibly {@code input} itself)
     * belongs to the caller, and every intermediate, the input included, is closed here, on failure too.
     */
    public Mat run(Mat input, SeededRng rng) {
        Mat current = input;
        try {
            for (ImageOp step : steps) {
                Mat next = step.apply(current, rng);
                if (next != current) {
                    current.close();
                    current = next;
                }
            }
            return current;
        } catch (RuntimeException | Error e) {
            current.close();
            throw e;
        }
    }
}
