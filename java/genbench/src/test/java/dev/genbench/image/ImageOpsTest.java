package dev.genbench.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntPredicate;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** Each pipeline step against hand-worked expectations. */
class ImageOpsTest {

    /**
     * Counts how often {@code op} changes a small image over n seeded draws and checks the rate is within
     * 5 binomial standard deviations of p.
     */
    private static void assertApplicationRate(ImageOp op, double p, int n, Mat image) {
        int applied = 0;
        byte[] before = TestImages.pixels(image);
        for (int seed = 0; seed < n; seed++) {
            try (Mat input = image.clone()) {
                Mat out = op.apply(input, new SeededRng(seed));
                boolean changed = out != input || !Arrays.equals(before, TestImages.pixels(out));
                if (out != input) {
                    out.close();
                }
                applied += changed ? 1 : 0;
            }
        }
        double sd = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(applied - n * p) <= 5 * sd,
                op + ": applied " + applied + " of " + n + ", expected " + n * p + " ± " + 5 * sd);
    }

    @Test
    void randomCropIfLargeCropsToThresholdWithExclusiveUpperOffset() {
        try (Mat img = TestImages.noise(1500, 900, 1)) {
            RandomCropIfLarge op = new RandomCropIfLarge(1080);
            Set<Integer> lefts = new HashSet<>();
            for (int seed = 0; seed < 3000; seed++) {
                try (Mat out = op.apply(img, new SeededRng(seed))) {
                    assertEquals(1080, out.cols());
                    assertEquals(900, out.rows()); // the fitting side is untouched
                    // Locate the crop: the view's data pointer offset from the parent's, in pixels.
                    long offset = (out.data().address() - img.data().address()) / 3;
                    assertEquals(0, offset / 1500, "top offset of a side that fits is 0");
                    lefts.add((int) (offset % 1500));
                }
            }
            assertTrue(lefts.stream().allMatch(l -> l >= 0 && l <= 419), "left within U{0..W-w-1}");
            assertFalse(lefts.contains(420), "the last offset W-w is never drawn (torch.randint exclusive)");
            assertTrue(lefts.size() > 380, "offsets cover the range, saw " + lefts.size());
        }
    }

    @Test
    void randomCropIfLargeLeavesSmallImagesUntouched() {
        try (Mat img = TestImages.noise(1080, 700, 1)) {
            assertSame(img, new RandomCropIfLarge(1080).apply(img, new SeededRng(1)));
        }
    }

    @Test
    void grayscaleUsesItu601LumaOnThreeEqualChannels() {
        try (Mat img = TestImages.flat(4, 4, 200, 100, 50); Mat out = RandomGrayscale.toGray3(img)) {
            int expected = (int) Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50);
            for (int c = 0; c < 3; c++) {
                assertEquals(expected, TestImages.pixel(out, 2, 2, c), 1);
            }
        }
    }

    @Test
    void grayscaleIsAppliedWithItsProbability() {
        try (Mat img = TestImages.noise(8, 8, 3)) {
            assertApplicationRate(new RandomGrayscale(0.10), 0.10, 4000, img);
            assertApplicationRate(new RandomGrayscale(0.2), 0.2, 4000, img);
        }
    }

    @Test
    void jpegQualityIsReallyApplied() {
        try (Mat img = TestImages.gradient(256, 256); Mat noisy = TestImages.noise(256, 256, 9)) {
            // A photo-like image: smooth gradient plus noise, so quality matters for both size and error.
            try (Mat photo = new Mat(); Mat texture = GaussianBlurOp.blur(noisy, 1.5)) {
                org.bytedeco.opencv.global.opencv_core.addWeighted(img, 0.7, texture, 0.3, 0, photo);
                long size50 = JpegRecompression.encodedSize(photo, 50);
                long size100 = JpegRecompression.encodedSize(photo, 100);
                assertTrue(size100 > 2 * size50, "q100 " + size100 + " bytes vs q50 " + size50);
                try (Mat q50 = JpegRecompression.roundTrip(photo, 50); Mat q100 = JpegRecompression.roundTrip(photo, 100)) {
                    double psnr50 = TestImages.psnr(photo, q50);
                    double psnr100 = TestImages.psnr(photo, q100);
                    assertTrue(psnr100 > psnr50 + 5, "PSNR q100 " + psnr100 + " vs q50 " + psnr50);
                    assertTrue(psnr50 > 20 && psnr50 < 45, "q50 PSNR " + psnr50);
                }
            }
        }
    }

    @Test
    void evaluationJpegDrawsQualityFiftyOrHundredEvenly() {
        // Recover the quality of each application from the PSNR, which separates 50 from 100 clearly.
        try (Mat photo = TestImages.gradient(64, 64); Mat q50 = JpegRecompression.roundTrip(photo, 50);
                Mat q100 = JpegRecompression.roundTrip(photo, 100)) {
            byte[] p50 = TestImages.pixels(q50);
            byte[] p100 = TestImages.pixels(q100);
            JpegRecompression op = JpegRecompression.evaluation(1.0);
            int fifty = 0;
            int hundred = 0;
            int n = 600;
            for (int seed = 0; seed < n; seed++) {
                try (Mat out = op.apply(photo, new SeededRng(seed))) {
                    byte[] px = TestImages.pixels(out);
                    if (Arrays.equals(px, p50)) {
                        fifty++;
                    } else if (Arrays.equals(px, p100)) {
                        hundred++;
                    }
                }
            }
            assertEquals(n, fifty + hundred, "every application uses quality 50 or 100 (101 clamped)");
            assertTrue(Math.abs(fifty - n / 2.0) <= 5 * Math.sqrt(n * 0.25), "q50 chosen " + fifty + " of " + n);
        }
    }

    @Test
    void evaluationJpegStepsHaveTheirProbabilities() {
        try (Mat img = TestImages.noise(16, 16, 5)) {
            assertApplicationRate(JpegRecompression.evaluation(0.5), 0.5, 2000, img);
            assertApplicationRate(JpegRecompression.evaluation(0.2), 0.2, 2000, img);
            assertApplicationRate(JpegRecompression.evaluation(0.1), 0.1, 2000, img);
        }
    }

    @Test
    void gaussianNoiseHasTheRequestedSigmaPerChannel() {
        try (Mat grey = TestImages.flat(256, 256, 128, 128, 128); Mat out = GaussianNoise.addNoise(grey, 12.0, 77)) {
            try (Mat diff = new Mat(); Mat f = new Mat(); Mat g = new Mat()) {
                out.convertTo(f, org.bytedeco.opencv.global.opencv_core.CV_32F);
                grey.convertTo(g, org.bytedeco.opencv.global.opencv_core.CV_32F);
                org.bytedeco.opencv.global.opencv_core.subtract(f, g, diff);
                try (Mat mean = new Mat(); Mat std = new Mat()) {
                    org.bytedeco.opencv.global.opencv_core.meanStdDev(diff, mean, std);
                    try (org.bytedeco.javacpp.indexer.DoubleIndexer m = mean.createIndexer();
                            org.bytedeco.javacpp.indexer.DoubleIndexer s = std.createIndexer()) {
                        for (int c = 0; c < 3; c++) {
                            assertEquals(0.0, m.get(c), 0.2, "mean of channel " + c);
                            assertEquals(12.0, s.get(c), 0.3, "sigma of channel " + c);
                        }
                    }
                }
            }
            // Channels are independent: the noise of R and G differ.
            assertFalse(TestImages.pixel(out, 10, 10, 0) == TestImages.pixel(out, 10, 10, 1)
                    && TestImages.pixel(out, 10, 11, 0) == TestImages.pixel(out, 10, 11, 1)
                    && TestImages.pixel(out, 10, 12, 0) == TestImages.pixel(out, 10, 12, 1));
        }
    }

    @Test
    void evaluationNoiseSigmaStaysWithinItsRange() {
        GaussianNoise op = GaussianNoise.evaluation(1.0);
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (int seed = 0; seed < 60; seed++) {
            try (Mat grey = TestImages.flat(64, 64, 128, 128, 128); Mat out = op.apply(grey, new SeededRng(seed));
                    Mat f = new Mat(); Mat mean = new Mat(); Mat std = new Mat()) {
                out.convertTo(f, org.bytedeco.opencv.global.opencv_core.CV_32F);
                org.bytedeco.opencv.global.opencv_core.meanStdDev(f, mean, std);
                try (org.bytedeco.javacpp.indexer.DoubleIndexer s = std.createIndexer()) {
                    lo = Math.min(lo, s.get(0));
                    hi = Math.max(hi, s.get(0));
                }
            }
        }
        // σ = u·255 with u ~ U(0.015, 0.075): 3.8 to 19.1 grey levels (sample std of 4096 px ± ~3%).
        assertTrue(lo > 3.8 * 0.9 && hi < 19.2 * 1.1, "sigma range " + lo + " .. " + hi);
        assertTrue(hi - lo > 8, "sigma varies across draws: " + lo + " .. " + hi);
        try (Mat img = TestImages.noise(8, 8, 3)) {
            assertApplicationRate(GaussianNoise.evaluation(0.3), 0.3, 3000, img);
        }
    }

    @Test
    void noiseSaturatesInsteadOfWrapping() {
        try (Mat white = TestImages.flat(64, 64, 255, 255, 255); Mat out = GaussianNoise.addNoise(white, 50, 3)) {
            try (Scalar m = org.bytedeco.opencv.global.opencv_core.mean(out)) {
                assertTrue(m.get(0) > 200, "white plus noise stays bright, mean " + m.get(0));
            }
        }
    }

    @Test
    void randomResizedCropBoxesFitAndRespectScaleAndRatio() {
        SeededRng rng = new SeededRng(11);
        for (int k = 0; k < 2000; k++) {
            CropBox b = CropBox.randomResized(480, 640, 0.5, 1.0, 0.9, 1 / 0.9, rng);
            assertTrue(b.top() >= 0 && b.left() >= 0 && b.top() + b.height() <= 480 && b.left() + b.width() <= 640, b.toString());
            double area = (double) b.width() * b.height() / (480 * 640);
            assertTrue(area >= 0.49 && area <= 1.01, "area fraction " + area);
            double ratio = (double) b.width() / b.height();
            assertTrue(ratio >= 0.88 && ratio <= 1 / 0.88, "ratio " + ratio);
        }
    }

    @Test
    void randomResizedCropFallsBackToCentredClampedRatio() {
        // 1000 x 10: no box with ratio in [0.9, 1.11] and ≥ half the area fits; fallback: h = 10, w = round(10/0.9)=11.
        CropBox b = CropBox.randomResized(10, 1000, 0.5, 1.0, 0.9, 1 / 0.9, new SeededRng(1));
        assertEquals(new CropBox(0, (1000 - 11) / 2, 10, 11), b);
    }

    @Test
    void randomResizedCropVariableGivesSquareSidesFrom256To512() {
        RandomResizedCropVariable op = RandomResizedCropVariable.evaluation(1.0);
        Set<Integer> sides = new HashSet<>();
        try (Mat img = TestImages.noise(600, 500, 2)) {
            for (int seed = 0; seed < 200; seed++) {
                try (Mat out = op.apply(img, new SeededRng(seed))) {
                    assertEquals(out.cols(), out.rows());
                    assertTrue(out.cols() >= 256 && out.cols() <= 512, "side " + out.cols());
                    sides.add(out.cols());
                }
            }
        }
        assertTrue(sides.size() > 100, "sizes vary, saw " + sides.size());
        try (Mat small = TestImages.noise(8, 8, 2)) {
            assertApplicationRate(RandomResizedCropVariable.evaluation(0.25), 0.25, 1000, small);
        }
    }

    @Test
    void antialiasedDownscaleOfStripesAveragesToGrey() {
        // 1-px black/white columns shrunk 4×: antialiasing averages to mid-grey; plain bilinear would alias.
        try (Mat stripes = TestImages.flat(256, 64, 0, 0, 0)) {
            try (org.bytedeco.javacpp.indexer.UByteIndexer idx = stripes.createIndexer()) {
                for (int y = 0; y < 64; y++) {
                    for (int x = 0; x < 256; x += 2) {
                        for (int c = 0; c < 3; c++) {
                            idx.put(y, x, c, 255);
                        }
                    }
                }
            }
            for (Interpolation interpolation : Interpolation.values()) {
                try (Mat out = interpolation.resizeAntialiased(stripes, 64, 16)) {
                    assertEquals(64, out.cols());
                    assertEquals(16, out.rows());
                    int v = TestImages.pixel(out, 8, 30, 0);
                    assertEquals(127.5, v, 12, interpolation + " gives " + v);
                }
            }
        }
    }

    @Test
    void mixedResizeShrinksOneAxisAndEnlargesTheOther() {
        try (Mat img = TestImages.noise(400, 100, 4)) {
            for (Interpolation interpolation : Interpolation.values()) {
                try (Mat out = interpolation.resizeAntialiased(img, 224, 224)) {
                    assertEquals(224, out.cols());
                    assertEquals(224, out.rows());
                }
            }
        }
    }

    @Test
    void colorJitterBrightnessScalesValues() {
        try (Mat img = TestImages.flat(4, 4, 100, 50, 200); Mat out = new Mat()) {
            img.convertTo(out, org.bytedeco.opencv.global.opencv_core.CV_8U, 1.3, 0);
            assertEquals(130, TestImages.pixel(out, 0, 0, 0));
            assertEquals(255, TestImages.pixel(out, 0, 0, 2), "saturates at 255");
        }
    }

    @Test
    void contrastFactorZeroGivesTheLumaMeanAndSaturationZeroGivesGrey() {
        try (Mat img = TestImages.noise(32, 32, 6); Mat flat = ColorJitter.adjustContrast(img, 0.0);
                Mat grey = ColorJitter.adjustSaturation(img, 0.0); Mat luma = RandomGrayscale.toGray3(img)) {
            int v = TestImages.pixel(flat, 0, 0, 0);
            for (int y = 0; y < 32; y += 7) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(v, TestImages.pixel(flat, y, y, c));
                }
            }
            assertTrue(TestImages.maxAbsDiff(TestImages.pixels(grey), TestImages.pixels(luma)) <= 1);
        }
    }

    @Test
    void hueShiftRotatesPrimaryColours() {
        // Red shifted by +1/3 turn (120°) becomes green; a zero shift keeps the colour. The hue circle has
        // 256 steps, so 1/3 turn is 85 steps = 119.5°, which leaves a trace of red (255·0.5/60 ≈ 2).
        try (Mat red = TestImages.flat(4, 4, 255, 0, 0); Mat green = ColorJitter.adjustHue(red, 1.0 / 3);
                Mat same = ColorJitter.adjustHue(red, 0.0)) {
            assertEquals(0, TestImages.pixel(green, 0, 0, 0), 3);
            assertEquals(255, TestImages.pixel(green, 0, 0, 1), 1);
            assertEquals(0, TestImages.pixel(green, 0, 0, 2), 1);
            assertEquals(255, TestImages.pixel(same, 0, 0, 0), 1);
        }
        try (Mat red = TestImages.flat(4, 4, 255, 0, 0); Mat wrapped = ColorJitter.adjustHue(red, -1.0 / 3)) {
            assertEquals(255, TestImages.pixel(wrapped, 0, 0, 2), 1); // −120° wraps to blue
            assertEquals(0, TestImages.pixel(wrapped, 0, 0, 1), 3);
        }
        // Greys have no hue: any shift leaves them unchanged.
        try (Mat grey = TestImages.flat(4, 4, 90, 90, 90); Mat out = ColorJitter.adjustHue(grey, 0.07)) {
            assertEquals(90, TestImages.pixel(out, 1, 1, 0));
            assertEquals(90, TestImages.pixel(out, 1, 1, 2));
        }
    }

    @Test
    void colorJitterIsAppliedWithProbabilityPointEight() {
        try (Mat img = TestImages.noise(8, 8, 3)) {
            assertApplicationRate(ColorJitter.trainingBaseline(), 0.8, 2000, img);
        }
    }

    @Test
    void coarseDropoutFillsOneHoleOfOneToFortyEightPixelsWith128() {
        CoarseDropout op = new CoarseDropout(1.0, 1, 48, 128);
        Set<Integer> heights = new HashSet<>();
        for (int seed = 0; seed < 300; seed++) {
            try (Mat img = TestImages.flat(100, 80, 0, 0, 0)) {
                Mat out = op.apply(img, new SeededRng(seed));
                assertSame(img, out, "dropout works in place");
                int[] box = boundingBoxOf(out, v -> v == 128);
                int h = box[2] - box[0] + 1;
                int w = box[3] - box[1] + 1;
                assertTrue(h >= 1 && h <= 48 && w >= 1 && w <= 48, "hole " + w + "x" + h);
                assertEquals((long) h * w * 3, countEqual(out, 128), "the hole is one solid rectangle");
                heights.add(h);
            }
        }
        assertTrue(heights.contains(1) && heights.contains(48), "heights span 1..48: " + heights);
    }

    @Test
    void blurWithTinySigmaIsIdentityAndLargerSigmaSmooths() {
        try (Mat img = TestImages.noise(64, 64, 8)) {
            assertSame(img, GaussianBlurOp.blur(img, 0.1), "radius int(4σ+0.5) = 0 leaves the image");
            try (Mat blurred = GaussianBlurOp.blur(img, 2.0); Mat m1 = new Mat(); Mat s1 = new Mat();
                    Mat m2 = new Mat(); Mat s2 = new Mat()) {
                org.bytedeco.opencv.global.opencv_core.meanStdDev(img, m1, s1);
                org.bytedeco.opencv.global.opencv_core.meanStdDev(blurred, m2, s2);
                try (org.bytedeco.javacpp.indexer.DoubleIndexer a = s1.createIndexer();
                        org.bytedeco.javacpp.indexer.DoubleIndexer b = s2.createIndexer()) {
                    assertTrue(b.get(0) < a.get(0) / 4, "σ=2 blur cuts white-noise spread: " + a.get(0) + " → " + b.get(0));
                }
            }
            assertApplicationRate(GaussianBlurOp.trainingBaseline(), 0.5 * (1 - 0.125 / 3), 2000, img);
        }
    }

    @Test
    void rotationIsCounterClockwiseAndSwapsSides() {
        try (Mat img = TestImages.noise(6, 4, 12)) {
            int topRight = TestImages.pixel(img, 0, 5, 0);
            try (Mat r90 = RandomRotate90.rotateCounterClockwise(img, 1)) {
                assertEquals(4, r90.cols());
                assertEquals(6, r90.rows());
                // Counter-clockwise: the top-right corner moves to the top-left.
                assertEquals(topRight, TestImages.pixel(r90, 0, 0, 0));
            }
            try (Mat r270 = RandomRotate90.rotateCounterClockwise(img, 3)) {
                assertEquals(topRight, TestImages.pixel(r270, 5, 3, 0));
            }
            assertSame(img, RandomRotate90.rotateCounterClockwise(img, 0));
        }
        int[] counts = new int[4];
        RandomRotate90 op = new RandomRotate90();
        try (Mat img = TestImages.noise(3, 2, 1)) {
            for (int seed = 0; seed < 4000; seed++) {
                try (Mat out = op.apply(img.clone(), new SeededRng(seed))) {
                    counts[out.cols() == 2 ? (Arrays.equals(TestImages.pixels(out), rotatedPixels(img, 1)) ? 1 : 3)
                            : (Arrays.equals(TestImages.pixels(out), TestImages.pixels(img)) ? 0 : 2)]++;
                }
            }
        }
        for (int k = 0; k < 4; k++) {
            assertEquals(1000, counts[k], 5 * Math.sqrt(4000 * 0.25 * 0.75), "quarter turns " + k);
        }
    }

    @Test
    void horizontalFlipMirrorsColumns() {
        try (Mat img = TestImages.noise(5, 3, 13)) {
            int left = TestImages.pixel(img, 1, 0, 2);
            RandomHorizontalFlip op = new RandomHorizontalFlip(1.0);
            try (Mat out = op.apply(img, new SeededRng(0))) {
                assertEquals(left, TestImages.pixel(out, 1, 4, 2));
            }
            assertApplicationRate(new RandomHorizontalFlip(0.5), 0.5, 2000, img);
        }
    }

    @Test
    void opChainClosesIntermediatesAndReturnsTheLastImage() {
        OpChain chain = new OpChain(java.util.List.of(new RandomCropIfLarge(50), new RandomHorizontalFlip(1.0)));
        try (Mat img = TestImages.noise(80, 60, 1); Mat out = chain.run(img.clone(), new SeededRng(3))) {
            assertEquals(50, out.cols());
            assertEquals(50, out.rows());
        }
    }

    private static byte[] rotatedPixels(Mat img, int quarterTurns) {
        try (Mat r = RandomRotate90.rotateCounterClockwise(img.clone(), quarterTurns)) {
            return TestImages.pixels(r);
        }
    }

    private static long countEqual(Mat m, int value) {
        long n = 0;
        for (byte b : TestImages.pixels(m)) {
            n += (b & 255) == value ? 1 : 0;
        }
        return n;
    }

    /** {minY, minX, maxY, maxX} of pixels whose first channel matches. */
    private static int[] boundingBoxOf(Mat m, IntPredicate match) {
        int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int y = 0; y < m.rows(); y++) {
            for (int x = 0; x < m.cols(); x++) {
                if (match.test(TestImages.pixel(m, y, x, 0))) {
                    box[0] = Math.min(box[0], y);
                    box[1] = Math.min(box[1], x);
                    box[2] = Math.max(box[2], y);
                    box[3] = Math.max(box[3], x);
                }
            }
        }
        assertArrayEquals(new int[0], box[2] < 0 ? new int[] {1} : new int[0], "no hole found");
        return box;
    }
}
