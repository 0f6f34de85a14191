package dev.genbench.image;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** Crop geometry of the cropping strategies (SPEC §6.3, §6.4). */
class CropsTest {

    /** An image whose pixel (y, x) encodes its position: R = x, G = y (sizes below 256). */
    private static Mat positions(int width, int height) {
        Mat m = TestImages.flat(width, height, 0, 0, 0);
        try (org.bytedeco.javacpp.indexer.UByteIndexer idx = m.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    idx.put(y, x, 0, x);
                    idx.put(y, x, 1, y);
                    idx.put(y, x, 2, 200);
                }
            }
        }
        return m;
    }

    private static int[] origin(Mat crop) {
        return new int[] {TestImages.pixel(crop, 0, 0, 1), TestImages.pixel(crop, 0, 0, 0)};
    }

    @Test
    void fiveCropsComeInTorchvisionOrderWithTheirCorners() {
        try (Mat img = positions(250, 240)) {
            List<Mat> crops = Crops.five(img, 224, 224);
            try {
                assertEquals(5, crops.size());
                int[][] expected = {{0, 0}, {0, 26}, {16, 0}, {16, 26}, {8, 13}};
                for (int k = 0; k < 5; k++) {
                    assertEquals(224, crops.get(k).cols());
                    assertEquals(224, crops.get(k).rows());
                    assertEquals(expected[k][0], origin(crops.get(k))[0], "crop " + k + " top");
                    assertEquals(expected[k][1], origin(crops.get(k))[1], "crop " + k + " left");
                }
            } finally {
                crops.forEach(Mat::close);
            }
        }
    }

    @Test
    void centreOffsetRoundsHalfToEvenLikePython() {
        // (229 − 224)/2 = 2.5 → round() = 2; (231 − 224)/2 = 3.5 → 4.
        try (Mat a = positions(229, 231); Mat crop = Crops.center(a, 224, 224)) {
            assertEquals(4, origin(crop)[0]);
            assertEquals(2, origin(crop)[1]);
        }
    }

    @Test
    void centreCropOfASmallImagePadsWithZerosAroundIt() {
        // 200 x 100 into 224 x 224: pad left (24)//2 = 12, top (124)//2 = 62.
        try (Mat img = positions(200, 100); Mat crop = Crops.center(img, 224, 224)) {
            assertEquals(224, crop.cols());
            assertEquals(224, crop.rows());
            assertEquals(0, TestImages.pixel(crop, 61, 11, 2), "padding is zero");
            assertEquals(200, TestImages.pixel(crop, 62, 12, 2), "image starts at (62, 12)");
            assertEquals(0, TestImages.pixel(crop, 62, 12, 0));
            assertEquals(199, TestImages.pixel(crop, 62, 12 + 199, 0));
            assertEquals(0, TestImages.pixel(crop, 62 + 100, 12, 2), "bottom padding starts after 100 rows");
        }
    }

    @Test
    void randomCropPadsEachEndOfAShortSideByTheMissingAmount() {
        // Width 200 < 224: padded by 24 on both sides (torchvision), so offsets range over 0..24 + 24.
        int minLeftEdge = Integer.MAX_VALUE;
        int maxLeftEdge = Integer.MIN_VALUE;
        try (Mat img = positions(200, 300)) {
            for (int seed = 0; seed < 400; seed++) {
                try (Mat crop = Crops.random(img, 224, 224, new SeededRng(seed))) {
                    assertEquals(224, crop.cols());
                    assertEquals(224, crop.rows());
                    // Column where the image starts inside the crop (first column with blue = 200).
                    int start = -1;
                    for (int x = 0; x < 224 && start < 0; x++) {
                        if (TestImages.pixel(crop, 0, x, 2) == 200) {
                            start = x;
                        }
                    }
                    if (start >= 0 && TestImages.pixel(crop, 0, start, 0) == 0) {
                        minLeftEdge = Math.min(minLeftEdge, start);
                        maxLeftEdge = Math.max(maxLeftEdge, start);
                    }
                }
            }
        }
        assertEquals(0, minLeftEdge);
        assertEquals(24, maxLeftEdge);
    }

    @Test
    void fiveCropRefusesImagesSmallerThanTheCrop() {
        try (Mat img = positions(100, 300)) {
            assertThrows(IllegalArgumentException.class, () -> Crops.five(img, 224, 224));
        }
    }

    @Test
    void multicropUsesTheCentreCropWhenASideIsAtMostTheInputSize() {
        EvaluationPipeline multicrop = new EvaluationPipeline(OptionalInt.empty(), EvaluationCropping.MULTICROP, 224, 224);
        try (Mat exactly = positions(224, 240); Mat larger = positions(225, 240)) {
            List<Mat> one = multicrop.crops(exactly);
            List<Mat> five = multicrop.crops(larger);
            try {
                assertEquals(1, one.size(), "a side equal to 224 falls back to the centre crop");
                assertEquals(5, five.size());
            } finally {
                one.forEach(Mat::close);
                five.forEach(Mat::close);
            }
        }
    }

    @Test
    void evaluationStrategiesYieldTheirShapes() {
        try (Mat img = positions(240, 200)) {
            for (EvaluationCropping strategy : EvaluationCropping.values()) {
                EvaluationPipeline p = new EvaluationPipeline(OptionalInt.empty(), strategy, 224, 224);
                List<Mat> crops = p.crops(img);
                try {
                    for (Mat c : crops) {
                        if (strategy == EvaluationCropping.AS_IS) {
                            assertEquals(240, c.cols());
                            assertEquals(200, c.rows());
                        } else {
                            assertEquals(224, c.cols());
                            assertEquals(224, c.rows());
                        }
                    }
                    assertTrue(p.fixedSize() == (strategy != EvaluationCropping.AS_IS));
                } finally {
                    crops.forEach(Mat::close);
                }
            }
        }
    }

    @Test
    void trainingStrategiesAdaptTheSize() {
        try (Mat img = positions(150, 250)) {
            for (TrainingCropping strategy : TrainingCropping.values()) {
                TrainingPipeline p = new TrainingPipeline(OptionalInt.empty(), TrainingAugmentations.BASELINE, strategy, 224, 224);
                try (Mat out = p.adaptSize(img, new SeededRng(1))) {
                    boolean asIs = strategy == TrainingCropping.AS_IS;
                    assertEquals(asIs ? 150 : 224, out.cols(), strategy.key());
                    assertEquals(asIs ? 250 : 224, out.rows(), strategy.key());
                }
            }
        }
    }

    @Test
    void strategyKeysAreTheYamlSpellings() {
        assertEquals("multicrop", EvaluationCropping.MULTICROP.key());
        assertEquals("random_crop", TrainingCropping.RANDOM_CROP.key());
    }
}
