package dev.genbench.minibench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

    /**
     * Hand-worked case: x = -1 (label 0) and x = +1 (label 1). By symmetry b = 0, and the gradient of
     * log(1+e^{-w}) + log(1+e^{-w}) + (λ/2)w² vanishes where 2·σ(-w) = λ·w. For λ = 1 that root is
     * w ≈ 0.6749 (2/(1+e^0.6749) = 0.6749), found here by bisection of that equation alone.
     */
    @Test
    void matchesTheStationaryPointOfTheSymmetricTwoPointProblem() {
        double lo = 0;
        double hi = 2;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (2 * LogisticRegression.sigmoid(-mid) > mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        assertEquals(0.6749, lo, 1e-4);
        LogisticRegression m = LogisticRegression.fit(new double[][] {{-1}, {1}}, new int[] {0, 1}, 1.0);
        assertEquals(lo, m.weights()[0], 1e-9);
        assertEquals(0.0, m.intercept(), 1e-9);
        assertEquals(LogisticRegression.sigmoid(lo), m.probability(new double[] {1}), 1e-9);
    }

    @Test
    void theInterceptIsNotPenalised() {
        // Three positives and one negative at the same x: only the intercept can explain the rate, and with
        // no penalty on it the fitted probability is exactly the observed 3/4.
        LogisticRegression m = LogisticRegression.fit(new double[][] {{0}, {0}, {0}, {0}}, new int[] {1, 1, 1, 0}, 10.0);
        assertEquals(0.75, m.probability(new double[] {0}), 1e-9);
    }

    @Test
    void aStrongerPenaltyShrinksTheWeight() {
        double[][] x = {{-2}, {-1}, {1}, {2}, {0.5}};
        int[] y = {0, 0, 1, 1, 0};
        double weak = LogisticRegression.fit(x, y, 0.01).weights()[0];
        double strong = LogisticRegression.fit(x, y, 10).weights()[0];
        assertTrue(weak > strong && strong > 0, weak + " vs " + strong);
    }

    @Test
    void aurocCountsTiesAsOneHalf() {
        // Pairs (pos, neg): (0.8,0.1) win, (0.8,0.4) win, (0.4,0.1) win, (0.4,0.4) tie → 3.5 / 4.
        assertEquals(0.875, Auroc.of(new double[] {0.8, 0.4, 0.1, 0.4}, new int[] {1, 1, 0, 0}), 1e-12);
        assertEquals(0.0, Auroc.of(new double[] {0.1, 0.9}, new int[] {1, 0}), 1e-12);
        assertTrue(Double.isNaN(Auroc.of(new double[] {0.1, 0.9}, new int[] {1, 1})));
    }
}
