package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_core.ALGO_HINT_ACCURATE;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * With probability p, a Gaussian blur with σ ~ U[sigmaMin, sigmaMax) as the original's scipy
 * {@code gaussian_filter} per channel: kernel radius int(4σ + 0.5) (scipy's truncate = 4), border mode
 * 'reflect' (OpenCV's BORDER_REFLECT, edge pixel repeated). A radius of 0 (σ < 0.125) leaves the image
 * unchanged, as scipy's one-tap kernel does. Named with "Op" to stay clear of OpenCV's function.
 */
public record GaussianBlurOp(double p, double sigmaMin, double sigmaMax) implements ImageOp {
    public GaussianBlurOp {
        Probability.check(p, "Gaussian blur");
        if (!(sigmaMin >= 0 && sigmaMax >= sigmaMin)) {
            throw new IllegalArgumentException("Gaussian blur sigma range must satisfy 0 <= min <= max");
        }
    }

    /** σ ~ U[0, 3), p = 0.5: SPEC §6.3 #6. */
    public static GaussianBlurOp trainingBaseline() {
        return new GaussianBlurOp(0.5, 0.0, 3.0);
    }

    @Override
    public Mat apply(Mat src, SeededRng rng) {
        if (!rng.chance(p)) {
            return src;
        }
        return blur(src, rng.uniform(sigmaMin, sigmaMax));
    }

    static Mat blur(Mat src, double sigma) {
        int radius = (int) (4.0 * sigma + 0.5);
        if (radius == 0) {
            return src;
        }
        int k = 2 * radius + 1;
        Mat out = new Mat();
        try (Size kernel = new Size(k, k)) {
            GaussianBlur(src, out, kernel, sigma, sigma, BORDER_REFLECT, ALGO_HINT_ACCURATE);
        }
        return out;
    }
}
