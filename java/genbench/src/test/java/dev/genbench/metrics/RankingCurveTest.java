package dev.genbench.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RankingCurveTest {

    @Test
    void tiedScoresFormOneStepAndCountAsHalfOrdered() {
        var curve = RankingCurve.of(new double[] {0.5, 0.5, 0.9, 0.1}, new boolean[] {true, false, true, false});
        assertEquals(3, curve.size());
        assertEquals(0.9, curve.threshold(0));
        assertEquals(2, curve.truePositives(1));
        assertEquals(1, curve.falsePositives(1));
        // pairs: (0.9, 0.5) 1, (0.9, 0.1) 1, (0.5, 0.5) 1/2, (0.5, 0.1) 1 -> 3.5 / 4
        assertEquals(0.875, curve.auroc().value());
        // precision 1 at recall 1/2, then 2/3 at recall 1.
        assertEquals(0.5 * 1 + 0.5 * 2.0 / 3.0, curve.averagePrecision().value(), 1e-15);
    }

    @Test
    void negativeZeroAndZeroAreTheSameScore() {
        var curve = RankingCurve.of(new double[] {-0.0, 0.0}, new boolean[] {true, false});
        assertEquals(1, curve.size());
        assertEquals(0.5, curve.auroc().value());
    }

    @Test
    void oneClassLeavesAurocNotDefinedWithAReasonAndApDefinedOnlyWithFakes() {
        var onlyFakes = RankingCurve.of(new double[] {0.2, 0.7}, new boolean[] {true, true});
        assertFalse(onlyFakes.auroc().isDefined());
        assertTrue(onlyFakes.auroc().toString().contains("only fake images (2)"));
        assertEquals(1.0, onlyFakes.averagePrecision().value());
        var onlyReals = RankingCurve.of(new double[] {0.2, 0.7}, new boolean[] {false, false});
        assertFalse(onlyReals.averagePrecision().isDefined());
        assertEquals(0, onlyReals.rocPoints()[0].length);
    }

    @Test
    void nanScoresLeaveEveryMetricNotDefined() {
        var m = BinaryMetrics.compute(new double[] {0.1, Double.NaN}, new boolean[] {false, true}, 0.5);
        for (BinaryMetric metric : BinaryMetric.values()) {
            assertTrue(m.get(metric).toString().contains("1 of 2 scores are NaN"), metric.toString());
        }
    }

    @Test
    void emptyInputLeavesEveryMetricNotDefined() {
        var m = BinaryMetrics.compute(new float[0], new boolean[0], 0.5);
        for (BinaryMetric metric : BinaryMetric.values()) {
            assertFalse(m.get(metric).isDefined(), metric.toString());
        }
    }

    @Test
    void rocPointsRunFromOriginToOneOne() {
        var pts = RankingCurve.of(new double[] {0.9, 0.4, 0.3}, new boolean[] {true, false, true}).rocPoints();
        assertEquals(4, pts[0].length);
        assertEquals(0.0, pts[0][0]);
        assertEquals(1.0, pts[0][3]);
        assertEquals(1.0, pts[1][3]);
        assertEquals(0.5, pts[1][1]);
    }

    @Test
    void bestThresholdIsTheFirstBestAndScoresAtTheThresholdCountAsFake() {
        // Fakes at 0.3 and 0.6, real at 0.2: every threshold in (0.2, 0.3] gives F1 1; the first is 0.201.
        var choice = BestThresholdF1.choose(new double[] {0.3f, 0.6f, 0.2f}, new boolean[] {true, true, false});
        assertEquals(201, choice.index());
        assertEquals(1.0, choice.f1());
        // A fake exactly on the grid: threshold 0.3 (as float32) still counts it as fake (>=).
        var onGrid = BestThresholdF1.choose(new double[] {0.3f, 0.3f}, new boolean[] {true, false});
        assertEquals(0, onGrid.index(), "all thresholds up to 0.3 give F1 2/3; the first one wins");
    }

    @Test
    void accumulatorGivesTheSameMetricsAsOneCallOnEverything() {
        var acc = new BinaryMetricsAccumulator(0.5);
        acc.update(new float[] {0.9f, 0.1f}, new boolean[] {true, false});
        acc.update(new float[] {0.4f, 0.6f, 0.6f}, new boolean[] {true, false, true});
        var whole = BinaryMetrics.compute(new float[] {0.9f, 0.1f, 0.4f, 0.6f, 0.6f},
                new boolean[] {true, false, true, false, true}, 0.5);
        assertEquals(whole.values(), acc.compute().values());
        assertEquals(whole.counts(), acc.compute().counts());
        acc.reset();
        assertEquals(0, acc.size());
        assertFalse(acc.compute().get(BinaryMetric.AUROC).isDefined());
    }

    @Test
    void evaluationAccumulatorKeepsRowsInArrivalOrderAcrossGrowth() {
        var acc = new EvaluationAccumulator();
        for (int b = 0; b < 700; b++) {
            acc.update(new float[] {b, b + 0.5f}, new long[] {0, 1}, new long[] {1, -1});
        }
        EvaluatedImages images = acc.compute();
        assertEquals(1400, images.size());
        assertEquals(699.5f, images.scores()[1399]);
        assertEquals(1, images.pairing()[1398]);
        acc.reset();
        assertEquals(0, acc.compute().size());
    }

    @Test
    void fitStepLogsTheBatchsBalancedAccuracyAsTheFullComputationWould() {
        float[] s = {0.9f, 0.1f, 0.5f, 0.7f, 0.2f};
        boolean[] f = {true, false, true, false, false};
        var step = EpochMetrics.fitStep(s, f, 0.5);
        assertEquals(BinaryMetrics.compute(s, f, 0.5).get(BinaryMetric.BALANCED_ACCURACY),
                step.get("fit_BalancedBinaryAccuracy_step/all"));
        // recall 1/2 (0.5 is not above 0.5), specificity 2/3
        assertEquals((0.5 + 2.0 / 3.0) / 2, step.get("fit_BalancedBinaryAccuracy_step/all").value(), 1e-15);
    }

    @Test
    void metricNamesFollowTheOriginal() {
        assertEquals("Stable_Diffusion_1_4", MetricNames.subsetName("Stable Diffusion 1.4"));
        assertEquals("Diffusion_GAN_(ProjectedGAN)", MetricNames.subsetName("Diffusion GAN (ProjectedGAN)"));
        assertEquals("DALL-E_3", MetricNames.subsetName("DALL-E 3"));
        assertEquals("real", MetricNames.subsetName(""));
        assertEquals("validate_BinaryAUROC_epoch/all", MetricNames.epoch(Stage.VALIDATE, BinaryMetric.AUROC, "all"));
        assertEquals("fit_BalancedBinaryAccuracy_step/all",
                MetricNames.step(Stage.FIT, BinaryMetric.BALANCED_ACCURACY, "all"));
        assertEquals("growing_whole_test_BinaryF1Score_epoch/all",
                MetricNames.mechanism(Mechanism.GROWING_WHOLE, Stage.TEST, BinaryMetric.F1));
        assertEquals(Mechanism.IMMEDIATE_FUTURE, Mechanism.fromKey("immediate_future"));
    }
}
