package dev.genbench.image;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * A crop rectangle in pixels.
 *
 * @param top first row
 * @param left first column
 * @param height rows
 * @param width columns
 */
public record CropBox(int top, int left, int height, int width) {

    /**
     * torchvision's RandomResizedCrop box: up to 10 attempts with area = H·W·U(scale) and a log-uniform
     * aspect ratio, sides rounded half-to-even as Python's {@code round}, accepted if they fit, offsets
     * uniform; otherwise a centred crop with the aspect ratio clamped to the range.
     */
    public static CropBox randomResized(int height, int width, double scaleMin, double scaleMax,
            double ratioMin, double ratioMax, SeededRng rng) {
        double area = (double) height * width;
        double logRatioMin = Math.log(ratioMin);
        double logRatioMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * rng.uniform(scaleMin, scaleMax);
            double aspect = Math.exp(rng.uniform(logRatioMin, logRatioMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new CropBox(top, left, h, w);
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < ratioMin) {
            w = width;
            h = (int) Math.rint(w / ratioMin);
        } else if (inRatio > ratioMax) {
            h = height;
            w = (int) Math.rint(h * ratioMax);
        } else {
            w = width;
            h = height;
        }
        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    /** A view of this box in {@code src}, sharing its pixels (the caller closes it). */
    public Mat view(Mat src) {
        try (Rect roi = new Rect(left, top, width, height)) {
            return new Mat(src, roi);
        }
    }
}
