package dev.genbench.metrics;

import java.util.List;

/**
 * The headline of the benchmark (SPEC §8.4, §12 item 7): the model of window k scored by ROC AUC on
 * the next window's generators, averaged over k = 0..W-2. The last window has no next window; the
 * immediate_future mechanism falls back to its own, already seen, generators, so its value is kept
 * apart in {@link #lastWindow} instead of being averaged in.
 *
 * @param perWindow      immediate_future AUROC of the model of each evaluated window, window 0 first
 * @param windowCount    W, the experiment's number of windows
 * @param mean           the mean over windows 0..W-2 (those evaluated); not defined with one window, or if
 *                       any of them is not
 * @param lastWindow     window W-1's value (scored on its own generators)
 */
public record NextPeriodAuroc(List<MetricValue> perWindow, int windowCount, MetricValue mean, MetricValue lastWindow) {

    public NextPeriodAuroc {
        perWindow = List.copyOf(perWindow);
    }

    /** The headline of a finished experiment: {@code perWindow} holds every window. */
    public static NextPeriodAuroc of(List<MetricValue> perWindow) {
        return of(perWindow, perWindow.size());
    }

    /**
     * The headline of an experiment of {@code windowCount} windows of which the first
     * {@code perWindow.size()} have been evaluated. While the last window is missing, the mean covers the
     * windows evaluated so far and {@link #lastWindow} says it is not there yet.
     */
    public static NextPeriodAuroc of(List<MetricValue> perWindow, int windowCount) {
        if (perWindow.isEmpty()) {
            throw new IllegalArgumentException("the headline needs at least one evaluated window");
        }
        if (perWindow.size() > windowCount) {
            throw new IllegalArgumentException(perWindow.size() + " windows evaluated, but the experiment has "
                    + windowCount);
        }
        int averaged = Math.min(perWindow.size(), windowCount - 1);
        MetricValue last = perWindow.size() == windowCount ? perWindow.get(windowCount - 1)
                : MetricValue.notDefined("window " + (windowCount - 1) + " has not been evaluated yet");
        if (averaged == 0) {
            return new NextPeriodAuroc(perWindow, windowCount,
                    MetricValue.notDefined("one window only: there is no next period to average"), last);
        }
        double sum = 0;
        for (int k = 0; k < averaged; k++) {
            MetricValue v = perWindow.get(k);
            if (v instanceof MetricValue.NotDefined(String reason)) {
                return new NextPeriodAuroc(perWindow, windowCount, MetricValue.notDefined(
                        "the next-period AUROC of window " + k + " is not defined (" + reason + ")"), last);
            }
            sum += v.value();
        }
        return new NextPeriodAuroc(perWindow, windowCount, MetricValue.of(sum / averaged), last);
    }

    /** Number of windows averaged into {@link #mean}: W-1 once the experiment is complete. */
    public int windowsAveraged() {
        return Math.min(perWindow.size(), windowCount - 1);
    }
}
