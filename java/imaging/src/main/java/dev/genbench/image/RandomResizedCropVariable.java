package dev.genbench.image;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * With probability p: a side S ~ U{minSize..maxSize} and an interpolation drawn uniformly, then a
 * RandomResizedCrop to S × S with the given scale and ratio (SPEC §6.2 #5). Draw order as the original:
 * S, interpolation, then the crop box.
 */
public record RandomResizedCropVariable(double p, int minSize, int maxSize, double scaleMin, double scaleMax,
        double ratioMin, double ratioMax, List<Interpolation> interpolations) implements ImageOp {
    public RandomResizedCropVariable {
        Probability.check(p, "RandomResizedCropVariable");
        interpolations = List.copyOf(interpolations);
        if (minSize < 1 || maxSize < minSize || interpolations.isEmpty()) {
            throw new IllegalArgumentException("RandomResizedCropVariable needs 1 <= min size <= max size and an interpolation");
        }
    }

    /** S ~ U{256..512}, scale (0.5, 1), ratio (0.9, 1/0.9), bilinear/bicubic/Lanczos. */
    public static RandomResizedCropVariable evaluation(double p) {
        return new RandomResizedCropVariable(p, 256, 512, 0.5, 1.0, 0.9, 1 / 0.9,
                List.of(Interpolation.BILINEAR, Interpolation.BICUBIC, Interpolation.LANCZOS));
    }

    @Override
    public Mat apply(Mat src, SeededRng rng) {
        if (!rng.chance(p)) {
            return src;
        }
        int size = rng.intInclusive(minSize, maxSize);
        Interpolation interpolation = interpolations.get(rng.nextInt(interpolations.size()));
        CropBox box = CropBox.randomResized(src.rows(), src.cols(), scaleMin, scaleMax, ratioMin, ratioMax, rng);
        try (Mat view = box.view(src)) {
            return interpolation.resizeAntialiased(view, size, size);
        }
    }
}
