package dev.genbench.protocol;

import dev.genbench.console.UserError;

/**
 * {@code train_subset_size} / {@code validation_subset_size} (SPEC §3.2): 0 disables; a float below 1.0 is a
 * fraction of the set ({@code int(f * len)}); any other value is a count ({@code int(value)}). Whether the
 * YAML value was written as a float matters: {@code 1.0} and {@code 1} both mean one element.
 *
 * @param value the configured number
 * @param isFloat whether it was given as a float
 */
public record SubsetSize(double value, boolean isFloat) {
    public static final SubsetSize DISABLED = new SubsetSize(0, false);

    public SubsetSize {
        if (value < 0 || Double.isNaN(value)) {
            throw new UserError("A subset size is " + value + "; use 0 (off), a fraction below 1.0, or a count.");
        }
    }

    /** From a YAML number: {@link Double}/{@link Float} follow the fraction rule, integers the count rule. */
    public static SubsetSize of(Number n) {
        boolean f = n instanceof Double || n instanceof Float;
        return new SubsetSize(n.doubleValue(), f);
    }

    public boolean enabled() {
        return value > 0;
    }

    /** The number of elements kept out of {@code length}, as the original computes it. */
    public int count(int length) {
        if (!enabled()) {
            return length;
        }
        if (isFloat && value < 1.0) {
            return (int) (value * length);
        }
        return (int) value;
    }
}
