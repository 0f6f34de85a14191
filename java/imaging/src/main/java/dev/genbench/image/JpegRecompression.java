package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR_RGB;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * With probability p, JPEG-compresses the image at a random quality and decodes it back (SPEC §6.2 #2/#4/#6,
 * §6.3 #7).
 *
 * <p>The original picks the encoder uniformly from {OpenCV, PIL}. Both are libjpeg with the standard
 * quantisation tables scaled by quality, 4:2:0 chroma subsampling, no Huffman optimisation and islow DCT, so
 * here both choices encode through OpenCV's libjpeg-turbo: the encoder draw is still made, keeping the
 * order and number of draws, but it cannot change the output. Qualities above 100 are clamped to 100 as
 * both encoders do (the evaluation list {50, 101}, SPEC §12 item 2).
 *
 * @param p probability of applying
 * @param qualities the candidate qualities, drawn uniformly
 */
public record JpegRecompression(double p, int[] qualities) implements ImageOp {
    /** The encoders the original chooses between; see the class comment for why the choice is inert here. */
    public enum Encoder { OPENCV, PIL }

    public JpegRecompression {
        Probability.check(p, "JPEG re-compression");
        qualities = qualities.clone();
        if (qualities.length == 0) {
            throw new IllegalArgumentException("JPEG re-compression needs at least one quality");
        }
        for (int q : qualities) {
            if (q < 1) {
                throw new IllegalArgumentException("JPEG quality must be at least 1, got " + q);
            }
        }
    }

    /** The evaluation variant: quality 50 or 101 (= 100), SPEC §6.2. */
    public static JpegRecompression evaluation(double p) {
        return new JpegRecompression(p, new int[] {50, 101});
    }

    /** The training variant: quality 30..100 inclusive, SPEC §6.3 #7. */
    public static JpegRecompression training(double p) {
        int[] q = new int[71];
        Arrays.setAll(q, i -> 30 + i);
        return new JpegRecompression(p, q);
    }

    @Override
    public int[] qualities() {
        return qualities.clone();
    }

    @Override
    public Mat apply(Mat src, SeededRng rng) {
        if (!rng.chance(p)) {
            return src;
        }
        rng.choose(Encoder.values()); // drawn as the original does; inert, see the class comment
        int quality = Math.min(100, qualities[rng.nextInt(qualities.length)]);
        return roundTrip(src, quality);
    }

    /** Encodes {@code rgb} as JPEG at {@code quality} and decodes it into a new RGB Mat. */
    static Mat roundTrip(Mat rgb, int quality) {
        try (Mat bgr = new Mat();
                BytePointer encoded = new BytePointer();
                IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
            cvtColor(rgb, bgr, COLOR_RGB2BGR);
            if (!imencode(".jpg", bgr, encoded, params)) {
                throw new IllegalStateException("OpenCV could not JPEG-encode a " + rgb.cols() + "x" + rgb.rows() + " image");
            }
            try (Mat buffer = new Mat(1, (int) encoded.limit(), org.bytedeco.opencv.global.opencv_core.CV_8U, encoded)) {
                return imdecode(buffer, IMREAD_COLOR_RGB);
            }
        }
    }

    /** Size in bytes of {@code rgb} encoded at {@code quality}; used by tests and the bench. */
    static long encodedSize(Mat rgb, int quality) {
        try (Mat bgr = new Mat();
                BytePointer encoded = new BytePointer();
                IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
            cvtColor(rgb, bgr, COLOR_RGB2BGR);
            imencode(".jpg", bgr, encoded, params);
            return encoded.limit();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JpegRecompression(double op, int[] oq) && op == p && Arrays.equals(oq, qualities);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(p) * 31 + Arrays.hashCode(qualities);
    }

    @Override
    public String toString() {
        return "JpegRecompression[p=" + p + ", qualities=" + Arrays.toString(qualities) + "]";
    }
}
