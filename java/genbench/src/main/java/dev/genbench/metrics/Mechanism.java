package dev.genbench.metrics;

import java.util.SortedSet;

/**
 * The sliding-window mechanisms: which generators the model of window k is scored on (SPEC §8.2).
 * Each selects the fakes of its generators plus the reals paired with them.
 */
public enum Mechanism {
    /** The next window's generators ("next period"); the last window falls back to itself. */
    IMMEDIATE_FUTURE("immediate_future"),
    /** Windows 0..k, past and present. */
    GROWING("growing"),
    /** Windows 0..k+1, capped at the last window. */
    GROWING_WHOLE("growing_whole"),
    /** Windows 0..k-1: empty, so not defined, for window 0. Implemented but not configured in the original. */
    PAST("past"),
    /** Every window; only the original's evaluation script offers it. */
    ALL("all");

    private final String key;

    Mechanism(String key) {
        this.key = key;
    }

    /** The name the original uses, and the prefix of this mechanism's logged metric names. */
    public String key() {
        return key;
    }

    /** Looks a mechanism up by its original name. */
    public static Mechanism fromKey(String key) {
        for (Mechanism m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown sliding-window mechanism '" + key
                + "'; expected immediate_future, growing, growing_whole, past or all");
    }

    /** The mechanisms the original logs during validation and testing (SPEC §8.3). */
    public static Mechanism[] logged() {
        return new Mechanism[] {IMMEDIATE_FUTURE, GROWING, GROWING_WHOLE};
    }

    /** Windows {@code from..to} (inclusive; empty when {@code to < from}) whose generators a mechanism selects. */
    public record WindowRange(int from, int to) {
        public boolean isEmpty() {
            return to < from;
        }
    }

    /** The windows whose generators the model of window {@code k} (of {@code count}) is scored on (SPEC §8.2). */
    public WindowRange windows(int k, int count) {
        int last = count - 1;
        if (k < 0 || k > last) {
            throw new IllegalArgumentException("window " + k + " is outside 0.." + last);
        }
        return switch (this) {
            case IMMEDIATE_FUTURE -> new WindowRange(Math.min(k + 1, last), Math.min(k + 1, last));
            case GROWING -> new WindowRange(0, k);
            case GROWING_WHOLE -> new WindowRange(0, Math.min(k + 1, last));
            case PAST -> new WindowRange(0, k - 1);
            case ALL -> new WindowRange(0, last);
        };
    }

    /** The generator ids the model of window {@code k} is scored on; may be empty ({@link #PAST}, k = 0). */
    public SortedSet<Integer> generators(WindowsOrder order, int k) {
        WindowRange range = windows(k, order.count());
        return order.union(range.from(), range.to());
    }

    /** Why the subset of window {@code k} is empty, for the metrics' not-defined reason. */
    String emptyReason(int k) {
        return this == PAST && k == 0
                ? "the past mechanism has no generators before window 0"
                : "no image of the " + key + " generators of window " + k + " was evaluated";
    }
}
