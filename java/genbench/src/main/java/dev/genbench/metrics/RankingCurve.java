package dev.genbench.metrics;

import java.util.Arrays;

/**
 * The ranking of scores against labels, as cumulative counts at each distinct score, highest first:
 * at {@code thresholds[i]}, deciding fake where {@code score >= thresholds[i]} yields
 * {@code truePositives[i]} and {@code falsePositives[i]}. This is the curve behind ROC AUC and average
 * precision, and it handles ties the way scikit-learn does: tied scores move both counts in one step.
 *
 * <p>Built by sorting fakes and reals apart and merging them, so no index sort and no boxing.
 * Immutable once built; the arrays are not exposed.
 */
public final class RankingCurve {
    private final double[] thresholds;
    private final long[] truePositives;
    private final long[] falsePositives;
    private final long positives;
    private final long negatives;

    private RankingCurve(double[] thresholds, long[] truePositives, long[] falsePositives,
                         long positives, long negatives) {
        this.thresholds = thresholds;
        this.truePositives = truePositives;
        this.falsePositives = falsePositives;
        this.positives = positives;
        this.negatives = negatives;
    }

    /**
     * Ranks {@code scores}; {@code fake[i]} says whether row i is a positive. Scores must not be NaN
     * (see {@link BinaryMetrics}, which reports NaN scores instead of ranking them).
     */
    public static RankingCurve of(double[] scores, boolean[] fake) {
        if (scores.length != fake.length) {
            throw new IllegalArgumentException(
                    "scores and labels differ in length: " + scores.length + " vs " + fake.length);
        }
        int nPos = 0;
        for (boolean f : fake) {
            if (f) nPos++;
        }
        double[] pos = new double[nPos];
        double[] neg = new double[scores.length - nPos];
        int p = 0, n = 0;
        for (int i = 0; i < scores.length; i++) {
            double s = scores[i];
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("score at row " + i + " is NaN");
            }
            // + 0.0 turns -0.0 into 0.0: Arrays.sort orders them apart, yet they are the same score.
            s += 0.0;
            if (fake[i]) pos[p++] = s; else neg[n++] = s;
        }
        Arrays.sort(pos);
        Arrays.sort(neg);

        double[] th = new double[scores.length];
        long[] tps = new long[scores.length];
        long[] fps = new long[scores.length];
        int distinct = 0;
        int i = pos.length - 1, j = neg.length - 1;
        long tp = 0, fp = 0;
        while (i >= 0 || j >= 0) {
            double next;
            if (i < 0) next = neg[j];
            else if (j < 0) next = pos[i];
            else next = Math.max(pos[i], neg[j]);
            while (i >= 0 && pos[i] == next) { tp++; i--; }
            while (j >= 0 && neg[j] == next) { fp++; j--; }
            th[distinct] = next;
            tps[distinct] = tp;
            fps[distinct] = fp;
            distinct++;
        }
        return new RankingCurve(Arrays.copyOf(th, distinct), Arrays.copyOf(tps, distinct),
                Arrays.copyOf(fps, distinct), nPos, scores.length - nPos);
    }

    public long positives() {
        return positives;
    }

    public long negatives() {
        return negatives;
    }

    /** Number of distinct scores. */
    public int size() {
        return thresholds.length;
    }

    public double threshold(int i) {
        return thresholds[i];
    }

    public long truePositives(int i) {
        return truePositives[i];
    }

    public long falsePositives(int i) {
        return falsePositives[i];
    }

    /**
     * Exact area under the ROC curve: the trapezoidal rule over every distinct score, which counts a
     * tied fake/real pair as half a correct ordering. Not defined with one class only.
     */
    public MetricValue auroc() {
        if (positives == 0 || negatives == 0) {
            return MetricValue.notDefined(oneClassReason());
        }
        // Twice the area, in units of one (fake, real) pair: an integer while it fits in a long, so
        // the only rounding is the final division.
        boolean fitsLong = (double) positives * negatives < 1e18;
        long twiceAreaExact = 0;
        double twiceAreaApprox = 0;
        long tpPrev = 0, fpPrev = 0;
        for (int k = 0; k < thresholds.length; k++) {
            long dFp = falsePositives[k] - fpPrev;
            long tpSum = truePositives[k] + tpPrev;
            if (fitsLong) twiceAreaExact += dFp * tpSum;
            else twiceAreaApprox += (double) dFp * tpSum;
            tpPrev = truePositives[k];
            fpPrev = falsePositives[k];
        }
        double twiceArea = fitsLong ? twiceAreaExact : twiceAreaApprox;
        return MetricValue.of(twiceArea / (2.0 * positives * negatives));
    }

    /**
     * Step-wise average precision: the sum over distinct scores of the gain in recall times the
     * precision there, without interpolation, as scikit-learn's {@code average_precision_score}.
     * Not defined without fakes (scikit-learn then warns and returns a meaningless number).
     */
    public MetricValue averagePrecision() {
        if (positives == 0) {
            return MetricValue.notDefined(positives + negatives == 0 ? "no images" : "no fake images, only "
                    + negatives + " real ones: average precision needs at least one fake");
        }
        double sum = 0;
        long tpPrev = 0;
        for (int k = 0; k < thresholds.length; k++) {
            long dTp = truePositives[k] - tpPrev;
            if (dTp != 0) {
                sum += (double) dTp * truePositives[k] / (truePositives[k] + falsePositives[k]);
            }
            tpPrev = truePositives[k];
        }
        return MetricValue.of(sum / positives);
    }

    /**
     * The ROC curve's points, from (0, 0) to (1, 1), one per distinct score, for plotting. Empty when
     * either class is missing.
     */
    public double[][] rocPoints() {
        if (positives == 0 || negatives == 0) {
            return new double[][] {new double[0], new double[0]};
        }
        double[] fpr = new double[thresholds.length + 1];
        double[] tpr = new double[thresholds.length + 1];
        for (int k = 0; k < thresholds.length; k++) {
            fpr[k + 1] = (double) falsePositives[k] / negatives;
            tpr[k + 1] = (double) truePositives[k] / positives;
        }
        return new double[][] {fpr, tpr};
    }

    private String oneClassReason() {
        if (positives + negatives == 0) {
            return "no images";
        }
        return positives == 0
                ? "only real images (" + negatives + "): ROC AUC needs both fakes and reals"
                : "only fake images (" + positives + "): ROC AUC needs both fakes and reals";
    }
}
