package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * With probability p, albumentations' CoarseDropout with one hole: height ~ U{minSide..maxSide}, width
 * ~ U{minSide..maxSide} (each clipped to the image), position uniform over the places where the hole fits,
 * filled with {@code fill} on every channel. Modifies the image in place.
 */
public record CoarseDropout(double p, int minSide, int maxSide, int fill) implements ImageOp {
    public CoarseDropout {
        Probability.check(p, "CoarseDropout");
        if (minSide < 1 || maxSide < minSide || fill < 0 || fill > 255) {
            throw new IllegalArgumentException("CoarseDropout needs 1 <= min side <= max side and a fill in [0, 255]");
        }
    }

    /** One hole of 1..48 × 1..48 px filled with 128, p = 0.2: SPEC §6.3 #4. */
    public static CoarseDropout trainingBaseline() {
        return new CoarseDropout(0.2, 1, 48, 128);
    }

    @Override
    public Mat apply(Mat src, SeededRng rng) {
        if (!rng.chance(p)) {
            return src;
        }
        int h = Math.min(rng.intInclusive(minSide, maxSide), src.rows());
        int w = Math.min(rng.intInclusive(minSide, maxSide), src.cols());
        int top = rng.nextInt(src.rows() - h + 1);
        int left = rng.nextInt(src.cols() - w + 1);
        try (Rect hole = new Rect(left, top, w, h); Scalar value = new Scalar(fill, fill, fill, 0)) {
            rectangle(src, hole, value, FILLED, LINE_8, 0);
        }
        return src;
    }
}
