package dev.genbench.image;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * With probability p, torchvision's RandomResizedCrop to size × size (box: {@link CropBox#randomResized}),
 * resized with antialiasing ({@link Interpolation#resizeAntialiased}). Training step #1 of SPEC §6.3 uses
 * size 256, scale (0.08, 1), ratio (3/4, 4/3), bilinear, p = 0.2.
 */
public record RandomResizedCrop(double p, int size, double scaleMin, double scaleMax, double ratioMin,
        double ratioMax, Interpolation interpolation) implements ImageOp {
    public RandomResizedCrop {
        Probability.check(p, "RandomResizedCrop");
        if (size < 1 || !(scaleMin > 0 && scaleMax >= scaleMin) || !(ratioMin > 0 && ratioMax >= ratioMin)) {
            throw new IllegalArgumentException("RandomResizedCrop needs size >= 1, 0 < scale min <= max and 0 < ratio min <= max");
        }
    }

    public static RandomResizedCrop trainingBaseline() {
        return new RandomResizedCrop(0.2, 256, 0.08, 1.0, 0.75, 1.0 / 0.75, Interpolation.BILINEAR);
    }

    @Override
    public Mat apply(Mat src, SeededRng rng) {
        if (!rng.chance(p)) {
            return src;
        }
        CropBox box = CropBox.randomResized(src.rows(), src.cols(), scaleMin, scaleMax, ratioMin, ratioMax, rng);
        try (Mat view = box.view(src)) {
            return interpolation.resizeAntialiased(view, size, size);
        }
    }
}
