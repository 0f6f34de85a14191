package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_HSV2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2HSV;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * With probability p, torchvision's ColorJitter(brightness, contrast, saturation, hue): the four
 * adjustments in a random order (a permutation drawn first, then the factors b, c, s ~ U[1−x, 1+x] and the
 * hue shift ~ U[−hue, hue], as torchvision draws them), each as torchvision defines it:
 * <ul>
 *   <li>brightness: x·b;</li>
 *   <li>contrast: blend with the mean of the image's luma, x·c + (1−c)·mean;</li>
 *   <li>saturation: blend with the luma image, x·s + (1−s)·gray;</li>
 *   <li>hue: rotate the HSV hue by shift·360°, in float so 8-bit HSV quantisation does not add error.</li>
 * </ul>
 * Each step rounds and clips to 8 bits (torchvision truncates integer images; SPEC §12 item 19).
 */
public record ColorJitter(double p, double brightness, double contrast, double saturation, double hue) implements ImageOp {
    public ColorJitter {
        Probability.check(p, "ColorJitter");
        if (brightness < 0 || contrast < 0 || saturation < 0 || hue < 0 || hue > 0.5) {
            throw new IllegalArgumentException("ColorJitter factors must be >= 0 and hue within [0, 0.5]");
        }
    }

    /** p = 0.8, ColorJitter(0.4, 0.4, 0.4, 0.1): SPEC §6.3 #2. */
    public static ColorJitter trainingBaseline() {
        return new ColorJitter(0.8, 0.4, 0.4, 0.4, 0.1);
    }

    @Override
    public Mat apply(Mat src, SeededRng rng) {
        if (!rng.chance(p)) {
            return src;
        }
        int[] order = rng.permutation(4);
        double b = rng.uniform(1 - brightness, 1 + brightness);
        double c = rng.uniform(1 - contrast, 1 + contrast);
        double s = rng.uniform(1 - saturation, 1 + saturation);
        double h = rng.uniform(-hue, hue);
        Mat current = src;
        for (int step : order) {
            Mat next = switch (step) {
                case 0 -> brightness == 0 ? current : scale(current, b, 0);
                case 1 -> contrast == 0 ? current : adjustContrast(current, c);
                case 2 -> saturation == 0 ? current : adjustSaturation(current, s);
                default -> hue == 0 ? current : adjustHue(current, h);
            };
            if (next != current && current != src) {
                current.close();
            }
            current = next;
        }
        return current;
    }

    private static Mat scale(Mat src, double alpha, double beta) {
        Mat out = new Mat();
        src.convertTo(out, CV_8U, alpha, beta);
        return out;
    }

    static Mat adjustContrast(Mat src, double factor) {
        double lumaMean;
        try (Mat gray = new Mat()) {
            cvtColor(src, gray, COLOR_RGB2GRAY);
            try (Scalar m = mean(gray)) {
                lumaMean = m.get(0);
            }
        }
        return scale(src, factor, (1 - factor) * lumaMean);
    }

    static Mat adjustSaturation(Mat src, double factor) {
        try (Mat gray = new Mat(); Mat gray3 = new Mat()) {
            cvtColor(src, gray, COLOR_RGB2GRAY);
            cvtColor(gray, gray3, COLOR_GRAY2RGB);
            Mat out = new Mat();
            addWeighted(src, factor, gray3, 1 - factor, 0, out);
            return out;
        }
    }

    static Mat adjustHue(Mat src, double shift) {
        try (Mat f = new Mat(); Mat hsv = new Mat(); Mat rgb = new Mat();
                Mat deltaMat = new Mat(4, 1, CV_64F, new Scalar(0.0))) {
            deltaMat.ptr(0).putDouble(shift * 360.0);
            src.convertTo(f, CV_32F, 1 / 255.0, 0);
            cvtColor(f, hsv, COLOR_RGB2HSV);
            // Hue is in degrees for float images; HSV→RGB wraps values outside [0, 360) itself.
            add(hsv, deltaMat, hsv);
            cvtColor(hsv, rgb, COLOR_HSV2RGB);
            Mat out = new Mat();
            rgb.convertTo(out, CV_8U, 255.0, 0);
            return out;
        }
    }
}
