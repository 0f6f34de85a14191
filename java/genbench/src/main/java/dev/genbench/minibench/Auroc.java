package dev.genbench.minibench;

import dev.genbench.metrics.RankingCurve;


/**
 * AUROC for the mini benchmark's checks, with 0/1 labels as its regressions use them: the metrics room's
 * exact curve ({@link RankingCurve}), so the checks and the benchmark's own metrics agree.
 */
public final class Auroc {
    private Auroc() {}

    /** AUROC of {@code scores} for labels 0/1; NaN when a class is missing. */
    public static double of(double[] scores, int[] labels) {
        boolean[] fake = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            fake[i] = labels[i] == 1;
        }
        return RankingCurve.of(scores, fake).auroc().orElse(Double.NaN);
    }
}
