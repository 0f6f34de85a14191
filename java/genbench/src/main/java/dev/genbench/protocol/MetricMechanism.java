package dev.genbench.protocol;

import java.util.List;

/**
 * The sliding-window metric mechanisms: which generators' images (plus their paired reals) the model of
 * window k is scored on (SPEC §8.2).
 */
public enum MetricMechanism {
    /** The next window's generators; the last window falls back to its own (kept as in the original, SPEC §12 #7). */
    IMMEDIATE_FUTURE("immediate_future"),
    /** Windows 0..k: past and present. */
    GROWING("growing"),
    /** Windows 0..k+1, capped at the last window. */
    GROWING_WHOLE("growing_whole"),
    /** Windows 0..k-1: empty for window 0, where the original makes no update. */
    PAST("past");

    private final String key;

    MetricMechanism(String key) {
        this.key = key;
    }

    /** The prefix of the logged metric names. */
    public String key() {
        return key;
    }

    /** G(k): the generators this mechanism scores the model of window k on. */
    public List<String> generators(WindowsTimeline timeline, int k) {
        timeline.checkWindow(k);
        int last = timeline.count() - 1;
        return switch (this) {
            case IMMEDIATE_FUTURE -> timeline.window(Math.min(k + 1, last));
            case GROWING -> timeline.generatorsOf(0, k);
            case GROWING_WHOLE -> timeline.generatorsOf(0, Math.min(k + 1, last));
            case PAST -> timeline.generatorsOf(0, k - 1);
        };
    }

    /** The evaluation indices this mechanism scores window k on. */
    public int[] indices(EvaluationSet set, WindowsTimeline timeline, int k) {
        return set.indicesFor(generators(timeline, k));
    }
}
