package dev.genbench.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked subsets on eight images: four fakes of generators 1..4, four reals each paired with one
 * of them, and windows {1, 2}, {3}, {4}.
 *
 * <pre>
 * row  generator  pairing  score
 *  0       1        -1      0.9
 *  1       2        -1      0.4
 *  2       3        -1      0.7
 *  3       4        -1      0.2
 *  4       0         1      0.1
 *  5       0         2      0.6
 *  6       0         3      0.3
 *  7       0         4      0.5
 * </pre>
 */
class SubsetsAndMechanismsTest {
    static final EvaluatedImages IMAGES = new EvaluatedImages(
            new float[] {0.9f, 0.4f, 0.7f, 0.2f, 0.1f, 0.6f, 0.3f, 0.5f},
            new long[] {1, 2, 3, 4, 0, 0, 0, 0},
            new long[] {-1, -1, -1, -1, 1, 2, 3, 4});
    static final List<String> NAMES = List.of("", "A", "B.1", "C D", "E");
    static final WindowsOrder WINDOWS = WindowsOrder.fromNames(
            List.of(List.of("A", "B.1"), List.of("C D"), List.of("E")), NAMES);

    static double auroc(Subset subset) {
        return subset.select(IMAGES).metrics(0.5).get(BinaryMetric.AUROC).value();
    }

    static double mechanismAuroc(Mechanism m, int window) {
        return EpochMetrics.mechanismMetrics(m, IMAGES, WINDOWS, window, 0.5).get(BinaryMetric.AUROC).value();
    }

    @Test
    void generatorSubsetHoldsItsFakesAndTheRealsPairedWithIt() {
        assertEquals(List.of(0.9f, 0.1f), asList(Subset.generator(1).select(IMAGES).scores()));
        assertEquals(1.0, auroc(Subset.generator(1)));
        assertEquals(0.0, auroc(Subset.generator(2)));
    }

    @Test
    void realSubsetHoldsEveryRealAndNoFake() {
        BinaryMetrics real = Subset.generator(0).select(IMAGES).metrics(0.5);
        assertEquals(4, real.reals());
        assertEquals(0, real.fakes());
        // 0.6 > 0.5 is a false positive; 0.5 is not above the threshold.
        assertEquals(0.75, real.get(BinaryMetric.SPECIFICITY).value());
        assertEquals(0.0, real.get(BinaryMetric.RECALL).value(), "x/0 counts as 0");
        assertFalse(real.get(BinaryMetric.AUROC).isDefined());
        assertTrue(((MetricValue.NotDefined) real.get(BinaryMetric.AUROC)).reason().contains("only real"));
    }

    @Test
    void immediateFutureScoresTheNextWindowAndTheLastWindowFallsBackToItself() {
        assertEquals(Set.of(3), Mechanism.IMMEDIATE_FUTURE.generators(WINDOWS, 0));
        assertEquals(1.0, mechanismAuroc(Mechanism.IMMEDIATE_FUTURE, 0));
        assertEquals(0.0, mechanismAuroc(Mechanism.IMMEDIATE_FUTURE, 1));
        assertEquals(Set.of(4), Mechanism.IMMEDIATE_FUTURE.generators(WINDOWS, 2));
        assertEquals(0.0, mechanismAuroc(Mechanism.IMMEDIATE_FUTURE, 2));
    }

    @Test
    void growingScoresPastAndPresentWindows() {
        assertEquals(Set.of(1, 2), Mechanism.GROWING.generators(WINDOWS, 0));
        // fakes 0.9, 0.4 against reals 0.1, 0.6: three of four pairs ordered correctly.
        assertEquals(0.75, mechanismAuroc(Mechanism.GROWING, 0));
    }

    @Test
    void growingWholeAddsTheNextWindowCappedAtTheLast() {
        assertEquals(Set.of(1, 2, 3), Mechanism.GROWING_WHOLE.generators(WINDOWS, 0));
        // fakes 0.9, 0.4, 0.7 against reals 0.1, 0.6, 0.3: eight of nine pairs.
        assertEquals(8.0 / 9.0, mechanismAuroc(Mechanism.GROWING_WHOLE, 0), 1e-15);
        assertEquals(Set.of(1, 2, 3, 4), Mechanism.GROWING_WHOLE.generators(WINDOWS, 2));
        assertEquals(Mechanism.ALL.generators(WINDOWS, 0), Mechanism.GROWING_WHOLE.generators(WINDOWS, 2));
    }

    @Test
    void pastIsNotDefinedForWindowZeroAndSaysWhy() {
        assertTrue(Mechanism.PAST.generators(WINDOWS, 0).isEmpty());
        BinaryMetrics m = EpochMetrics.mechanismMetrics(Mechanism.PAST, IMAGES, WINDOWS, 0, 0.5);
        for (BinaryMetric metric : BinaryMetric.values()) {
            MetricValue v = m.get(metric);
            assertTrue(v instanceof MetricValue.NotDefined nd && nd.reason().contains("past"), metric + ": " + v);
        }
        assertEquals(8.0 / 9.0, mechanismAuroc(Mechanism.PAST, 2), 1e-15);
    }

    @Test
    void slidingEpochNamesCarryTheMechanismPrefix() {
        var logged = EpochMetrics.slidingEpoch(Mechanism.IMMEDIATE_FUTURE, Stage.VALIDATE, IMAGES, WINDOWS, 0, 0.5);
        assertEquals(8, logged.size());
        assertEquals(1.0, logged.get("immediate_future_validate_BinaryAUROC_epoch/all").value());
        assertTrue(logged.containsKey("immediate_future_validate_BestBinaryThresholdF1_epoch/all"));
    }

    @Test
    void evaluationEpochLogsEightMetricsOnAllThenRecallPerGeneratorAndSpecificityForReals() {
        var logged = EpochMetrics.evaluationEpoch(Stage.TEST, IMAGES, NAMES, 0.5);
        assertEquals(List.of("test_BalancedBinaryAccuracy_epoch/all", "test_BinaryRecall_epoch/all",
                "test_BinaryPrecision_epoch/all", "test_BinarySpecificity_epoch/all",
                "test_BinaryAveragePrecision_epoch/all", "test_BinaryAUROC_epoch/all", "test_BinaryF1Score_epoch/all",
                "test_BestBinaryThresholdF1_epoch/all", "test_BinarySpecificity_epoch/real",
                "test_BinaryRecall_epoch/A", "test_BinaryRecall_epoch/B_1", "test_BinaryRecall_epoch/C_D",
                "test_BinaryRecall_epoch/E"), List.copyOf(logged.keySet()));
        // fakes above 0.5: 0.9 and 0.7 of four.
        assertEquals(0.5, logged.get("test_BinaryRecall_epoch/all").value());
        assertEquals(1.0, logged.get("test_BinaryRecall_epoch/C_D").value());
        assertEquals(0.0, logged.get("test_BinaryRecall_epoch/E").value());
        // 11 of 16 (fake, real) pairs ordered correctly: 0.9 beats 4 reals, 0.7 beats 4, 0.4 beats 2, 0.2 beats 1.
        assertEquals(11.0 / 16.0, logged.get("test_BinaryAUROC_epoch/all").value());
    }

    @Test
    void loggableValuesLeaveOutWhatIsNotDefined() {
        var logged = EpochMetrics.slidingEpoch(Mechanism.PAST, Stage.VALIDATE, IMAGES, WINDOWS, 0, 0.5);
        assertTrue(EpochMetrics.loggable(logged).isEmpty());
        var defined = EpochMetrics.loggable(EpochMetrics.slidingEpoch(Mechanism.PAST, Stage.VALIDATE, IMAGES, WINDOWS, 2, 0.5));
        assertEquals(8, defined.size());
        assertEquals(8.0 / 9.0, defined.get("past_validate_BinaryAUROC_epoch/all"), 1e-15);
    }

    @Test
    void unknownGeneratorInTheTimelineIsNamed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> WindowsOrder.fromNames(List.of(List.of("A", "Z")), NAMES));
        assertTrue(e.getMessage().contains("'Z'"), e.getMessage());
    }

    @Test
    void realsPairedWithNoGeneratorJoinNoGeneratorSubset() {
        var images = new EvaluatedImages(new float[] {0.9f, 0.1f, 0.2f}, new long[] {1, 0, 0}, new long[] {-1, 1, -1});
        assertEquals(2, Subset.generator(1).select(images).size());
        assertEquals(2, Subset.generators(new TreeSet<>(List.of(1, 2))).select(images).size());
        assertEquals(2, Subset.realOnly().select(images).size());
    }

    private static List<Float> asList(float[] a) {
        var out = new java.util.ArrayList<Float>();
        for (float f : a) out.add(f);
        return out;
    }
}
