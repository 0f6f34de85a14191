package dev.genbench.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** Normalised tensors written off-heap, checked against the formula (x/255 − mean)/std per element. */
class TensorWriterTest {
    private static final Normalization CLIP = Normalization.CLIP;

    private static double expected(Mat img, int y, int x, int c) {
        return (TestImages.pixel(img, y, x, c) / 255.0 - CLIP.mean(c)) / CLIP.std(c);
    }

    @Test
    void nchwFloat32MatchesTheFormulaForEveryElement() {
        try (Mat img = TestImages.noise(7, 5, 3); Arena arena = Arena.ofConfined()) {
            TensorWriter writer = new TensorWriter(TensorLayout.NCHW, TensorType.FLOAT32, CLIP);
            MemorySegment dst = arena.allocate(writer.bytesPerImage(7, 5));
            writer.write(img, dst);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 5; y++) {
                    for (int x = 0; x < 7; x++) {
                        float v = dst.getAtIndex(ValueLayout.JAVA_FLOAT, (c * 5L + y) * 7 + x);
                        assertEquals(expected(img, y, x, c), v, 1e-5, "c" + c + " y" + y + " x" + x);
                    }
                }
            }
        }
    }

    @Test
    void nhwcFloat32InterleavesChannels() {
        try (Mat img = TestImages.noise(6, 4, 4); Arena arena = Arena.ofConfined()) {
            TensorWriter writer = new TensorWriter(TensorLayout.NHWC, TensorType.FLOAT32, CLIP);
            MemorySegment dst = arena.allocate(writer.bytesPerImage(6, 4));
            writer.write(img, dst);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    for (int c = 0; c < 3; c++) {
                        float v = dst.getAtIndex(ValueLayout.JAVA_FLOAT, (y * 6L + x) * 3 + c);
                        assertEquals(expected(img, y, x, c), v, 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void extremesOfClipNormalisationHaveKnownValues() {
        // White red channel: (1 − 0.48145466)/0.26862954 = 1.93033; black: −1.79226.
        try (Mat white = TestImages.flat(2, 2, 255, 255, 255); Mat black = TestImages.flat(2, 2, 0, 0, 0);
                Arena arena = Arena.ofConfined()) {
            TensorWriter writer = new TensorWriter(TensorLayout.NCHW, TensorType.FLOAT32, CLIP);
            MemorySegment dst = arena.allocate(writer.bytesPerImage(2, 2));
            writer.write(white, dst);
            assertEquals(1.93033, dst.getAtIndex(ValueLayout.JAVA_FLOAT, 0), 1e-4);
            writer.write(black, dst);
            assertEquals(-1.79226, dst.getAtIndex(ValueLayout.JAVA_FLOAT, 0), 1e-4);
        }
    }

    @Test
    void halfPrecisionTypesRoundTheFloat32Values() {
        for (TensorLayout layout : TensorLayout.values()) {
            try (Mat img = TestImages.noise(9, 3, 5); Arena arena = Arena.ofConfined()) {
                TensorWriter f32 = new TensorWriter(layout, TensorType.FLOAT32, CLIP);
                TensorWriter f16 = new TensorWriter(layout, TensorType.FLOAT16, CLIP);
                TensorWriter bf16 = new TensorWriter(layout, TensorType.BFLOAT16, CLIP);
                MemorySegment a = arena.allocate(f32.bytesPerImage(9, 3));
                MemorySegment h = arena.allocate(f16.bytesPerImage(9, 3));
                MemorySegment b = arena.allocate(bf16.bytesPerImage(9, 3));
                f32.write(img, a);
                f16.write(img, h);
                bf16.write(img, b);
                for (long i = 0; i < 9 * 3 * 3; i++) {
                    float ref = a.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                    float half = Float.float16ToFloat(h.getAtIndex(ValueLayout.JAVA_SHORT, i));
                    assertEquals(Float.float16ToFloat(Float.floatToFloat16(ref)), half, 0.0, layout + " f16 at " + i);
                    float brain = Float.intBitsToFloat((b.getAtIndex(ValueLayout.JAVA_SHORT, i) & 0xFFFF) << 16);
                    assertEquals(bfloat16RoundedReference(ref), brain, 0.0, layout + " bf16 at " + i);
                }
            }
        }
    }

    @Test
    void bfloat16TiesRoundToEven() {
        // 1 + 2^-8 is exactly halfway between bf16 neighbours 1 and 1 + 2^-7: rounds to the even one, 1.
        // 1 + 3·2^-8 is halfway between 1 + 2^-7 (odd mantissa) and 1 + 2^-6: rounds up to 1 + 2^-6.
        float[] in = {1f + 0x1p-8f, 1f + 3 * 0x1p-8f, 1f + 0x1p-8f + 0x1p-20f, -2.5f};
        try (Mat src = new Mat(1, in.length, org.bytedeco.opencv.global.opencv_core.CV_32F);
                Mat out = new Mat()) {
            src.ptr(0).position(0);
            new org.bytedeco.javacpp.FloatPointer(src.ptr(0)).put(in);
            TensorWriter.toBfloat16(src, out);
            try (org.bytedeco.javacpp.indexer.UShortIndexer idx = out.createIndexer()) {
                for (int i = 0; i < in.length; i++) {
                    assertEquals(bfloat16RoundedReference(in[i]), Float.intBitsToFloat(idx.get(0, i) << 16), 0.0, "input " + in[i]);
                }
            }
        }
    }

    @Test
    void wrongDestinationSizeIsRefused() {
        try (Mat img = TestImages.noise(4, 4, 1); Arena arena = Arena.ofConfined()) {
            TensorWriter writer = new TensorWriter(TensorLayout.NCHW, TensorType.FLOAT32, CLIP);
            assertThrows(IllegalArgumentException.class, () -> writer.write(img, arena.allocate(10)));
        }
    }

    /** Scalar reference: round float32 bits to the upper 16 with ties to even. */
    private static float bfloat16RoundedReference(float f) {
        int bits = Float.floatToRawIntBits(f);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }
}
