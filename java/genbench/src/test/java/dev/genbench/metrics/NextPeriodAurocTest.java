package dev.genbench.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NextPeriodAurocTest {

    @Test
    void meanCoversWindowsZeroToWMinusTwoAndTheLastIsReportedApart() {
        var h = NextPeriodAuroc.of(List.of(MetricValue.of(0.8), MetricValue.of(0.6), MetricValue.of(0.99)));
        assertEquals(0.7, h.mean().value(), 1e-15);
        assertEquals(0.99, h.lastWindow().value());
        assertEquals(2, h.windowsAveraged());
    }

    @Test
    void handWorkedWindowsGiveTheExpectedHeadline() {
        // SubsetsAndMechanismsTest's images: next-period AUROC 1 for window 0, 0 for window 1, and window 2
        // falls back to its own generator (0).
        var perWindow = new java.util.ArrayList<MetricValue>();
        for (int k = 0; k < 3; k++) {
            perWindow.add(EpochMetrics.mechanismMetrics(Mechanism.IMMEDIATE_FUTURE, SubsetsAndMechanismsTest.IMAGES,
                    SubsetsAndMechanismsTest.WINDOWS, k, 0.5).get(BinaryMetric.AUROC));
        }
        var h = NextPeriodAuroc.of(perWindow);
        assertEquals(0.5, h.mean().value());
        assertEquals(0.0, h.lastWindow().value());
    }

    @Test
    void aPartialExperimentAveragesTheWindowsSoFarAndLacksTheLast() {
        var h = NextPeriodAuroc.of(List.of(MetricValue.of(0.8), MetricValue.of(0.6)), 9);
        assertEquals(0.7, h.mean().value(), 1e-15);
        assertEquals(2, h.windowsAveraged());
        assertFalse(h.lastWindow().isDefined());
        assertTrue(h.lastWindow().toString().contains("window 8"));
    }

    @Test
    void oneWindowHasNoNextPeriod() {
        var h = NextPeriodAuroc.of(List.of(MetricValue.of(0.9)));
        assertFalse(h.mean().isDefined());
        assertTrue(h.mean().toString().contains("no next period"));
        assertEquals(0.9, h.lastWindow().value());
    }

    @Test
    void aWindowWithoutValueLeavesTheMeanNotDefinedNamingTheWindow() {
        var h = NextPeriodAuroc.of(List.of(MetricValue.of(0.9), MetricValue.notDefined("only real images (4)"),
                MetricValue.of(0.5)));
        assertFalse(h.mean().isDefined());
        assertTrue(h.mean().toString().contains("window 1"), h.mean().toString());
    }
}
