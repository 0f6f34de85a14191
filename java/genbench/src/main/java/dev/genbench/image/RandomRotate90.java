package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_core.ROTATE_180;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_CLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.rotate;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Rotates by 0, 90, 180 or 270 degrees counter-clockwise, chosen uniformly, expanding the canvas so the
 * sides swap for 90 and 270 (SPEC §6.3, non-deterministic part #1; always applied).
 */
public record RandomRotate90() implements ImageOp {
    @Override
    public Mat apply(Mat src, SeededRng rng) {
        int quarterTurns = rng.nextInt(4);
        return rotateCounterClockwise(src, quarterTurns);
    }

    static Mat rotateCounterClockwise(Mat src, int quarterTurns) {
        int code = switch (quarterTurns) {
            case 0 -> -1;
            case 1 -> ROTATE_90_COUNTERCLOCKWISE;
            case 2 -> ROTATE_180;
            default -> ROTATE_90_CLOCKWISE; // 270 counter-clockwise
        };
        if (code < 0) {
            return src;
        }
        Mat out = new Mat();
        rotate(src, out, code);
        return out;
    }
}
