package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_core.flip;

import org.bytedeco.opencv.opencv_core.Mat;

/** With probability p, mirrors the image left to right (SPEC §6.3, non-deterministic part #2, p = 0.5). */
public record RandomHorizontalFlip(double p) implements ImageOp {
    public RandomHorizontalFlip {
        Probability.check(p, "RandomHorizontalFlip");
    }

    @Override
    public Mat apply(Mat src, SeededRng rng) {
        if (!rng.chance(p)) {
            return src;
        }
        Mat out = new Mat();
        flip(src, out, 1);
        return out;
    }
}
