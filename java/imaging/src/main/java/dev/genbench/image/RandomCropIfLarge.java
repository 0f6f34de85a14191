package dev.genbench.image;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * Crops an image larger than {@code threshold} on either side down to at most threshold × threshold
 * (SPEC §6.1, {@code maximum_processing_size}). Offsets are uniform with an exclusive upper bound,
 * left then top, as the original draws them; an axis that fits gets offset 0 and no draw.
 *
 * <p>Evaluation uses this random, seeded crop too: the original meant a centred crop there but never passes
 * the flag (SPEC §12 item 3); kept random for comparability with published results.
 */
public record RandomCropIfLarge(int threshold) implements ImageOp {
    public RandomCropIfLarge {
        if (threshold < 1) {
            throw new IllegalArgumentException("maximum_processing_size must be at least 1, got " + threshold);
        }
    }

    @Override
    public Mat apply(Mat src, SeededRng rng) {
        int height = src.rows();
        int width = src.cols();
        if (width <= threshold && height <= threshold) {
            return src;
        }
        int cropWidth = Math.min(width, threshold);
        int cropHeight = Math.min(height, threshold);
        int maxX = width - cropWidth;
        int maxY = height - cropHeight;
        // U{0..max-1}: torch.randint's exclusive bound, so the last offset is never drawn (as the original).
        int left = maxX <= 0 ? 0 : rng.nextInt(maxX);
        int top = maxY <= 0 ? 0 : rng.nextInt(maxY);
        try (Rect roi = new Rect(left, top, cropWidth, cropHeight)) {
            return new Mat(src, roi);
        }
    }
}
