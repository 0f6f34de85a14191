package dev.genbench.image;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The same (seed, sample, replica) gives the same augmented pixels; different items differ. */
class PipelineDeterminismTest {

    private static byte[] runEvaluation(EvaluationPipeline p, Mat src, long seed) {
        List<Mat> crops = p.run(src.clone(), new SeededRng(seed), null);
        try {
            return TestImages.pixels(crops.get(0));
        } finally {
            crops.forEach(Mat::close);
        }
    }

    @Test
    void evaluationPipelineRepeatsForTheSameItemSeed() {
        EvaluationPipeline p = new EvaluationPipeline(OptionalInt.of(300), EvaluationCropping.RESIZE, 64, 64);
        try (Mat src = TestImages.gradient(400, 320)) {
            int differing = 0;
            for (long seed = 4321; seed < 4321 + 40; seed++) {
                byte[] a = runEvaluation(p, src, seed);
                byte[] b = runEvaluation(p, src, seed);
                assertArrayEquals(a, b, "seed " + seed);
                differing += Arrays.equals(a, runEvaluation(p, src, seed + 1000)) ? 0 : 1;
            }
            assertTrue(differing > 30, "different seeds give different distortions, " + differing + "/40");
        }
    }

    @Test
    void trainingDeterministicPartRepeatsPerSampleAndReplica() {
        TrainingPipeline p = new TrainingPipeline(OptionalInt.of(200), TrainingAugmentations.BASELINE,
                TrainingCropping.RESIZE, 64, 64);
        AugmentationSeeds seeds = new AugmentationSeeds(4321, 4);
        try (Mat src = TestImages.gradient(260, 240)) {
            for (int replica = 0; replica < 4; replica++) {
                long seed = seeds.itemSeed(17, replica);
                try (Mat a = p.deterministicPart().run(src.clone(), new SeededRng(seed));
                        Mat b = p.deterministicPart().run(src.clone(), new SeededRng(seed))) {
                    assertArrayEquals(TestImages.pixels(a), TestImages.pixels(b));
                    assertTrue(a.cols() <= 200 && a.rows() <= 200, "RandomCropIfLarge ran first");
                }
            }
        }
    }

    @Test
    void trainingOutputHasTheModelInputSizeAfterRotation() {
        TrainingPipeline p = new TrainingPipeline(OptionalInt.of(1080), TrainingAugmentations.BASELINE,
                TrainingCropping.RANDOM_CROP, 224, 224);
        try (Mat src = TestImages.gradient(300, 250)) {
            for (int k = 0; k < 10; k++) {
                List<Mat> out = p.run(src.clone(), new SeededRng(k), new SeededRng(100 + k));
                try {
                    assertEquals(1, out.size());
                    assertEquals(224, out.get(0).cols());
                    assertEquals(224, out.get(0).rows());
                } finally {
                    out.forEach(Mat::close);
                }
            }
        }
    }

    @Test
    void evaluationDistortionsHaveTheSpecOrderAndProbabilities() {
        List<ImageOp> steps = MandatoryPreprocessing.evaluation(OptionalInt.of(1080)).steps();
        assertEquals(7, steps.size());
        assertEquals(new RandomCropIfLarge(1080), steps.get(0));
        assertEquals(new RandomGrayscale(0.10), steps.get(1));
        assertEquals(JpegRecompression.evaluation(0.50), steps.get(2));
        assertEquals(GaussianNoise.evaluation(0.30), steps.get(3));
        assertEquals(JpegRecompression.evaluation(0.20), steps.get(4));
        assertEquals(RandomResizedCropVariable.evaluation(0.25), steps.get(5));
        assertEquals(JpegRecompression.evaluation(0.10), steps.get(6));
        assertFalse(MandatoryPreprocessing.evaluation(OptionalInt.empty()).steps().get(0) instanceof RandomCropIfLarge);
        assertEquals(0, MandatoryPreprocessing.training(OptionalInt.empty()).steps().size());
    }

    @Test
    void trainingBaselineHasTheSpecOrder() {
        List<ImageOp> steps = TrainingAugmentations.BASELINE.deterministicSteps();
        assertEquals(List.of(RandomResizedCrop.class, ColorJitter.class, RandomGrayscale.class, CoarseDropout.class,
                GaussianNoise.class, GaussianBlurOp.class, JpegRecompression.class),
                steps.stream().map(Object::getClass).toList());
        assertEquals(0.2, ((RandomGrayscale) steps.get(2)).p());
        assertEquals(new GaussianNoise(0.2, 0.2, 0.44), steps.get(4));
        assertEquals(71, ((JpegRecompression) steps.get(6)).qualities().length);
    }
}
