package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import org.bytedeco.opencv.opencv_core.Mat;

/** With probability p, replaces the image by its ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B) on 3 channels. */
public record RandomGrayscale(double p) implements ImageOp {
    public RandomGrayscale {
        Probability.check(p, "RandomGrayscale");
    }

    @Override
    public Mat apply(Mat src, SeededRng rng) {
        if (!rng.chance(p)) {
            return src;
        }
        return toGray3(src);
    }

    static Mat toGray3(Mat src) {
        try (Mat gray = new Mat()) {
            cvtColor(src, gray, COLOR_RGB2GRAY);
            Mat out = new Mat();
            cvtColor(gray, out, COLOR_GRAY2RGB);
            return out;
        }
    }
}
