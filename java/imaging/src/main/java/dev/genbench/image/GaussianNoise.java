package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_core.CV_16SC3;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.add;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.RNG;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * With probability p, adds zero-mean Gaussian noise, independent per pixel and channel (albumentations
 * 2.0.x GaussNoise with per_channel=True, SPEC §12 item 11), with σ = u·255 and u ~ U(uMin, uMax) drawn
 * once per application; the result is clipped to [0, 255].
 *
 * <p>The per-pixel samples come from OpenCV's RNG seeded by one draw of the item's RNG, so they are as
 * reproducible as every other choice. They are rounded to integers in 16-bit storage before the
 * saturating add: since the pixels are integers, round(x + n) = x + round(n), so this equals adding
 * float noise and rounding (the original truncates instead, SPEC §12 item 19).
 */
public record GaussianNoise(double p, double uMin, double uMax) implements ImageOp {
    public GaussianNoise {
        Probability.check(p, "GaussNoise");
        if (!(uMin >= 0 && uMax >= uMin)) {
            throw new IllegalArgumentException("GaussNoise std range must satisfy 0 <= min <= max, got (" + uMin + ", " + uMax + ")");
        }
    }

    /** Evaluation: u ~ U(0.015, 0.075), SPEC §6.2 #3. */
    public static GaussianNoise evaluation(double p) {
        return new GaussianNoise(p, 0.015, 0.075);
    }

    /** Training with albumentations' default range u ~ U(0.2, 0.44), SPEC §6.3 #5. */
    public static GaussianNoise trainingDefaults(double p) {
        return new GaussianNoise(p, 0.2, 0.44);
    }

    @Override
    public Mat apply(Mat src, SeededRng rng) {
        if (!rng.chance(p)) {
            return src;
        }
        double sigma = rng.uniform(uMin, uMax) * 255.0;
        return addNoise(src, sigma, rng.nextLong());
    }

    static Mat addNoise(Mat src, double sigma, long noiseSeed) {
        try (Mat noise = new Mat(src.rows(), src.cols(), CV_16SC3);
                Mat mean = new Mat(1, 1, CV_64F, new Scalar(0.0));
                Mat std = new Mat(1, 1, CV_64F, new Scalar(sigma));
                RNG cvRng = new RNG(noiseSeed);
                Mat none = new Mat()) {
            cvRng._fill(noise, RNG.NORMAL, mean, std);
            Mat out = new Mat();
            add(src, noise, out, none, CV_8U);
            return out;
        }
    }
}
