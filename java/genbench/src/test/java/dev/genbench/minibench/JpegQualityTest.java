package dev.genbench.minibench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class JpegQualityTest {

    @Test
    void recoversTheQualityLibjpegWasGiven() {
        try (Mat image = new Mat(64, 64, opencv_core.CV_8UC3)) {
            java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
            try (org.bytedeco.javacpp.indexer.UByteIndexer px = image.createIndexer()) {
                for (int y = 0; y < 64; y++) {
                    for (int x = 0; x < 64; x++) {
                        for (int c = 0; c < 3; c++) {
                            px.put(y, x, c, (2 * x + 3 * y + rng.nextInt(40)) & 0xFF);
                        }
                    }
                }
            }
            for (int q : new int[] {30, 70, 75, 82, 90, 95}) {
                assertEquals(q, JpegQuality.estimate(OpenCvImages.encodeJpeg(image, q)).orElseThrow(), "quality " + q);
            }
        }
    }

    @Test
    void isEmptyForWhatIsNotAJpeg() {
        assertTrue(JpegQuality.estimate(new byte[] {(byte) 0x89, 'P', 'N', 'G'}).isEmpty());
    }
}
