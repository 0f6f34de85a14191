package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_core.CMP_EQ;
import static org.bytedeco.opencv.global.opencv_core.CMP_GT;
import static org.bytedeco.opencv.global.opencv_core.CMP_NE;
import static org.bytedeco.opencv.global.opencv_core.CV_16F;
import static org.bytedeco.opencv.global.opencv_core.CV_16FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_16UC2;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.bitwise_and;
import static org.bytedeco.opencv.global.opencv_core.compare;
import static org.bytedeco.opencv.global.opencv_core.extractChannel;
import static org.bytedeco.opencv.global.opencv_core.transform;

import java.lang.foreign.MemorySegment;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Writes an 8-bit RGB image as a normalised tensor of one image, (x/255 − mean)/std, straight into off-heap
 * memory: OpenCV writes into Mats that wrap the destination, so there is no per-pixel Java loop and no
 * intermediate Java array.
 *
 * <p>Channels-first: each channel is extracted and converted with its own scale and offset in one pass.
 * Channels-last: one conversion to float, then a 3×4 affine colour transform in place. float16 uses
 * OpenCV's conversion; bfloat16 takes the high 16 bits of each float32 with round-to-nearest-even, done
 * with OpenCV comparisons and masked adds on the two 16-bit halves.
 *
 * @param layout NCHW or NHWC
 * @param type element type
 * @param normalization per-channel mean and std
 */
public record TensorWriter(TensorLayout layout, TensorType type, Normalization normalization) {

    /** Bytes of one image of width × height. */
    public long bytesPerImage(int width, int height) {
        return 3L * width * height * type.bytes();
    }

    /**
     * Writes {@code rgb} (8-bit, 3 channels) into {@code dst}, which must hold exactly
     * {@link #bytesPerImage} bytes of native memory. Thread-safe: different threads may write different
     * destinations.
     */
    public void write(Mat rgb, MemorySegment dst) {
        int w = rgb.cols();
        int h = rgb.rows();
        if (dst.byteSize() != bytesPerImage(w, h)) {
            throw new IllegalArgumentException("destination holds " + dst.byteSize() + " bytes, a " + w + "x" + h
                    + " " + type + " image needs " + bytesPerImage(w, h));
        }
        if (rgb.channels() != 3 || rgb.depth() != org.bytedeco.opencv.global.opencv_core.CV_8U) {
            throw new IllegalArgumentException("expected an 8-bit 3-channel image, got type " + rgb.type());
        }
        switch (layout) {
            case NCHW -> writePlanes(rgb, dst, w, h);
            case NHWC -> writeInterleaved(rgb, dst, w, h);
        }
    }

    private void writePlanes(Mat rgb, MemorySegment dst, int w, int h) {
        long planeBytes = (long) w * h * type.bytes();
        try (Mat channel = new Mat(); Mat f32 = new Mat()) {
            for (int c = 0; c < 3; c++) {
                extractChannel(rgb, channel, c);
                MemorySegment plane = dst.asSlice(c * planeBytes, planeBytes);
                double alpha = normalization.alpha(c);
                double beta = normalization.beta(c);
                switch (type) {
                    case FLOAT32 -> {
                        try (BytePointer p = pointer(plane); Mat out = new Mat(h, w, CV_32F, p)) {
                            channel.convertTo(out, CV_32F, alpha, beta);
                        }
                    }
                    case FLOAT16 -> {
                        channel.convertTo(f32, CV_32F, alpha, beta);
                        try (BytePointer p = pointer(plane); Mat out = new Mat(h, w, CV_16F, p)) {
                            f32.convertTo(out, CV_16F);
                        }
                    }
                    case BFLOAT16 -> {
                        channel.convertTo(f32, CV_32F, alpha, beta);
                        try (BytePointer p = pointer(plane); Mat out = new Mat(h, w, CV_16U, p)) {
                            toBfloat16(f32, out);
                        }
                    }
                }
            }
        }
    }

    private void writeInterleaved(Mat rgb, MemorySegment dst, int w, int h) {
        try (Mat affine = affine()) {
            if (type == TensorType.FLOAT32) {
                try (BytePointer p = pointer(dst); Mat out = new Mat(h, w, CV_32FC3, p)) {
                    rgb.convertTo(out, CV_32F);
                    transform(out, out, affine);
                }
                return;
            }
            try (Mat f32 = new Mat()) {
                rgb.convertTo(f32, CV_32F);
                transform(f32, f32, affine);
                if (type == TensorType.FLOAT16) {
                    try (BytePointer p = pointer(dst); Mat out = new Mat(h, w, CV_16FC3, p)) {
                        f32.convertTo(out, CV_16F);
                    }
                } else {
                    try (BytePointer p = pointer(dst); Mat out = new Mat(h, w * 3, CV_16U, p);
                            Mat flat = f32.reshape(1, h)) {
                        toBfloat16(flat, out);
                    }
                }
            }
        }
    }

    /** The 3×4 matrix mapping an 8-bit RGB pixel to its normalised values. */
    private Mat affine() {
        Mat m = new Mat(3, 4, CV_64F, new Scalar(0.0));
        try (org.bytedeco.javacpp.indexer.DoubleIndexer idx = m.createIndexer()) {
            for (int c = 0; c < 3; c++) {
                idx.put(c, c, normalization.alpha(c));
                idx.put(c, 3, normalization.beta(c));
            }
        }
        return m;
    }

    /**
     * Rounds a single-channel float32 Mat to bfloat16 into {@code out} (16-bit unsigned, same size): viewing
     * each float as two little-endian 16-bit halves (low, high), the result is high, plus one when low
     * exceeds 0x8000, or equals 0x8000 and high is odd (ties to even). Finite inputs only (ours are).
     */
    static void toBfloat16(Mat f32, Mat out) {
        int rows = f32.rows();
        int cols = f32.cols();
        try (Mat halves = f32.isContinuous() ? new Mat(f32) : f32.clone();
                Mat low = new Mat(); Mat roundUp = new Mat(); Mat tie = new Mat(); Mat odd = new Mat();
                Mat oddMask = new Mat(); Mat one = new Mat(1, 1, CV_64F, new Scalar(1.0));
                Mat half = new Mat(1, 1, CV_64F, new Scalar(0x8000)); Mat zero = new Mat(1, 1, CV_64F, new Scalar(0.0))) {
            // A float32 row of `cols` elements viewed as `cols` pairs of 16-bit values.
            try (Mat pairs = new Mat(rows, cols, CV_16UC2, halves.data(), halves.step())) {
                extractChannel(pairs, low, 0);
                extractChannel(pairs, out, 1);
            }
            compare(low, half, roundUp, CMP_GT);
            compare(low, half, tie, CMP_EQ);
            bitwise_and(out, one, odd);
            compare(odd, zero, oddMask, CMP_NE);
            bitwise_and(tie, oddMask, tie);
            try (Mat mask = new Mat()) {
                org.bytedeco.opencv.global.opencv_core.bitwise_or(roundUp, tie, mask);
                add(out, one, out, mask, -1);
            }
        }
    }


    private static BytePointer pointer(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("tensor destinations must be native (off-heap) memory");
        }
        return new BytePointer(segment.asByteBuffer());
    }
}
