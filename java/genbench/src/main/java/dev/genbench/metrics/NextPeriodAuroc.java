package dev.genbench.metrics;

import java.util.List;

/**
 * The headline of the benchmark (SPEC §8.4, §12 item 7): the model of window k scored by ROC AUC on
 * the next window's generators, averaged over k = 0..W-2. The last window has no next window; the
 * immediate_future mechanism falls back to its own, already seen, generators, so its value is kept
 * apart in {@link #lastWindow} instead of being averaged in.
 *
 * @param perWindow      immediate_future AUROC of the model of each window, window 0 first
 * @param mean           the mean over windows 0..W-2; not defined with one window, or if any of them is not
 * @param lastWindow     window W-1's value (scored on its own generators)
 */
public record NextPeriodAuroc(List<MetricValue> perWindow, MetricValue mean, MetricValue lastWindow) {

    public NextPeriodAuroc {
        perWindow = List.copyOf(perWindow);
    }

    public static NextPeriodAuroc of(List<MetricValue> perWindow) {
        if (perWindow.isEmpty()) {
            throw new IllegalArgumentException("the headline needs at least one window");
        }
        int w = perWindow.size();
        MetricValue last = perWindow.get(w - 1);
        if (w == 1) {
            return new NextPeriodAuroc(perWindow,
                    MetricValue.notDefined("one window only: there is no next period to average"), last);
        }
        double sum = 0;
        for (int k = 0; k < w - 1; k++) {
            MetricValue v = perWindow.get(k);
            if (v instanceof MetricValue.NotDefined(String reason)) {
                return new NextPeriodAuroc(perWindow, MetricValue.notDefined(
                        "the next-period AUROC of window " + k + " is not defined (" + reason + ")"), last);
            }
            sum += v.value();
        }
        return new NextPeriodAuroc(perWindow, MetricValue.of(sum / (w - 1)), last);
    }

    /** Number of windows averaged into {@link #mean}: W-1. */
    public int windowsAveraged() {
        return perWindow.size() - 1;
    }
}
