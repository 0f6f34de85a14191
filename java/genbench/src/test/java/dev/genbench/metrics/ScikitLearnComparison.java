package dev.genbench.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

/** Compares our metrics on one case with the reference values metric_reference.py wrote for it. */
final class ScikitLearnComparison {
    static final double TOLERANCE = 1e-9;

    private ScikitLearnComparison() {}

    static float[] scores(JsonNode c) {
        JsonNode s = c.get("scores");
        float[] out = new float[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) s.get(i).asDouble();
        }
        return out;
    }

    static boolean[] fake(JsonNode c) {
        JsonNode f = c.get("fake");
        boolean[] out = new boolean[f.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.get(i).asInt() == 1;
        }
        return out;
    }

    static void assertAgrees(JsonNode c, JsonNode expected) {
        String name = c.get("name").asText();
        BinaryMetrics m = BinaryMetrics.compute(scores(c), fake(c), c.get("threshold").asDouble());
        ConfusionCounts k = m.counts();
        assertEquals(expected.get("tp").asLong(), k.truePositives(), name + ": TP");
        assertEquals(expected.get("fp").asLong(), k.falsePositives(), name + ": FP");
        assertEquals(expected.get("tn").asLong(), k.trueNegatives(), name + ": TN");
        assertEquals(expected.get("fn").asLong(), k.falseNegatives(), name + ": FN");
        assertValue(expected, "recall", m.get(BinaryMetric.RECALL), name);
        assertValue(expected, "precision", m.get(BinaryMetric.PRECISION), name);
        assertValue(expected, "f1", m.get(BinaryMetric.F1), name);
        assertValue(expected, "specificity", m.get(BinaryMetric.SPECIFICITY), name);
        assertValue(expected, "balanced_accuracy", m.get(BinaryMetric.BALANCED_ACCURACY), name);
        assertValue(expected, "roc_auc", m.get(BinaryMetric.AUROC), name);
        assertValue(expected, "average_precision", m.get(BinaryMetric.AVERAGE_PRECISION), name);
        assertValue(expected, "best_threshold", m.get(BinaryMetric.BEST_THRESHOLD_F1), name);
        // scikit-learn's own F1 must agree that the chosen threshold is a best one.
        assertEquals(expected.get("sklearn_f1_max").asDouble(), expected.get("sklearn_f1_at_best").asDouble(),
                1e-12, name + ": scikit-learn's F1 at the chosen threshold");
        var choice = BestThresholdF1.choose(widen(scores(c)), fake(c));
        assertEquals(expected.get("sklearn_f1_at_best").asDouble(), choice.f1(), TOLERANCE, name + ": best F1");
    }

    private static void assertValue(JsonNode expected, String key, MetricValue actual, String name) {
        JsonNode e = expected.get(key);
        if (e == null || e.isNull()) {
            assertFalse(actual.isDefined(), name + ": " + key + " should be not defined, was " + actual);
            assertTrue(actual instanceof MetricValue.NotDefined nd && !nd.reason().isBlank());
        } else {
            assertTrue(actual.isDefined(), name + ": " + key + " should be " + e.asDouble() + ", was " + actual);
            assertEquals(e.asDouble(), actual.value(), TOLERANCE, name + ": " + key);
        }
    }

    static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
