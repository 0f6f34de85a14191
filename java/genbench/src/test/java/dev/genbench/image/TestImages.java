package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.RNG;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Images made in tests: noise, flat colours, encodings, and access to pixels for assertions. */
public final class TestImages {
    private TestImages() {}

    /** Uniform noise RGB image, reproducible from {@code seed}. */
    static Mat noise(int width, int height, long seed) {
        Mat m = new Mat(height, width, CV_8UC3);
        try (RNG rng = new RNG(seed); Mat lo = new Mat(1, 1, CV_64F, new Scalar(0.0));
                Mat hi = new Mat(1, 1, CV_64F, new Scalar(256.0))) {
            rng._fill(m, RNG.UNIFORM, lo, hi);
        }
        return m;
    }

    /** A smooth image (gradients), which JPEG compresses the way it compresses photos. */
    public static Mat gradient(int width, int height) {
        Mat m = new Mat(height, width, CV_8UC3);
        try (UByteIndexer idx = m.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    idx.put(y, x, 0, (x * 255) / Math.max(1, width - 1));
                    idx.put(y, x, 1, (y * 255) / Math.max(1, height - 1));
                    idx.put(y, x, 2, ((x + y) * 127) / Math.max(1, width + height - 2));
                }
            }
        }
        return m;
    }

    static Mat flat(int width, int height, int r, int g, int b) {
        return new Mat(height, width, CV_8UC3, new Scalar(r, g, b, 0));
    }

    /** Encodes an RGB Mat (ext like ".png") into bytes. */
    public static byte[] encode(Mat rgb, String ext) {
        try (Mat bgr = new Mat(); BytePointer out = new BytePointer()) {
            cvtColor(rgb, bgr, COLOR_RGB2BGR);
            if (!imencode(ext, bgr, out)) {
                throw new IllegalStateException("encode failed");
            }
            byte[] b = new byte[(int) out.limit()];
            out.get(b);
            return b;
        }
    }

    /** All pixels as bytes, row-major, channel-interleaved. */
    static byte[] pixels(Mat m) {
        try (Mat c = m.isContinuous() ? new Mat(m) : m.clone()) {
            byte[] b = new byte[(int) (c.total() * c.channels())];
            c.data().get(b);
            return b;
        }
    }

    static int pixel(Mat m, int y, int x, int c) {
        try (UByteIndexer idx = m.createIndexer()) {
            return idx.get(y, x, c);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = TestImages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Largest absolute difference between two equal-length byte arrays of unsigned values. */
    static int maxAbsDiff(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("length " + a.length + " vs " + b.length);
        }
        int max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((a[i] & 255) - (b[i] & 255)));
        }
        return max;
    }

    static double meanAbsDiff(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 255) - (b[i] & 255));
        }
        return (double) sum / a.length;
    }

    /** PSNR in dB between two same-sized 8-bit images. */
    static double psnr(Mat a, Mat b) {
        return org.bytedeco.opencv.global.opencv_core.PSNR(a, b);
    }

    /** Encodes a 16-bit RGB Mat as a 16-bit PNG. */
    static byte[] encode16(Mat rgb16) {
        try (Mat bgr = new Mat(); BytePointer out = new BytePointer()) {
            cvtColor(rgb16, bgr, COLOR_RGB2BGR);
            imencode(".png", bgr, out);
            byte[] b = new byte[(int) out.limit()];
            out.get(b);
            return b;
        }
    }
}
