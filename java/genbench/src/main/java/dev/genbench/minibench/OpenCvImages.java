package dev.genbench.minibench;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.Laplacian;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The few OpenCV operations the mini benchmark needs, on 8-bit BGR {@link Mat}s. Callers own (and close)
 * every Mat they receive.
 */
final class OpenCvImages {
    private OpenCvImages() {}

    /** Decodes an encoded image to 8-bit BGR (EXIF orientation applied), or empty when OpenCV cannot read it. */
    static Optional<Mat> decode(byte[] bytes) {
        try (BytePointer data = new BytePointer(bytes); Mat buffer = new Mat(1, bytes.length, CV_8UC1, data)) {
            Mat image = imdecode(buffer, IMREAD_COLOR);
            if (image == null || image.empty()) {
                return Optional.empty();
            }
            return Optional.of(image);
        }
    }

    /** Baseline JPEG at {@code quality} (libjpeg's 4:2:0 default). */
    static byte[] encodeJpeg(Mat bgr, int quality) {
        try (BytePointer out = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
            if (!imencode(".jpg", bgr, out, params)) {
                throw new IllegalStateException("OpenCV could not encode a JPEG of " + bgr.cols() + "x" + bgr.rows());
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    static Mat resized(Mat src, int width, int height, int interpolation) {
        Mat dst = new Mat();
        resize(src, dst, new Size(width, height), 0, 0, interpolation);
        return dst;
    }

    static Mat gray(Mat bgr) {
        Mat g = new Mat();
        cvtColor(bgr, g, COLOR_BGR2GRAY);
        return g;
    }

    /** Variance of the 4-neighbour Laplacian of the gray image: the sharpness measure of the cue check. */
    static double laplacianVariance(Mat bgr) {
        try (Mat g = gray(bgr); Mat lap = new Mat(); Mat mean = new Mat(); Mat std = new Mat()) {
            Laplacian(g, lap, CV_64F, 1, 1, 0, opencv_core.BORDER_REFLECT101);
            opencv_core.meanStdDev(lap, mean, std);
            double s = std.createIndexer().getDouble(0);
            return s * s;
        }
    }

    /**
     * 64-bit difference hash (gray 9x8 thumbnail, one bit per horizontal neighbour comparison): equal or
     * nearly equal for copies of one photo at other sizes or encodings, which exact hashing misses.
     */
    static long differenceHash(Mat bgr) {
        try (Mat g = gray(bgr); Mat small = new Mat()) {
            resize(g, small, new Size(9, 8), 0, 0, INTER_AREA);
            long hash = 0;
            try (UByteIndexer px = small.createIndexer()) {
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        hash = (hash << 1) | (px.get(y, x) < px.get(y, x + 1) ? 1 : 0);
                    }
                }
            }
            return hash;
        }
    }
}
