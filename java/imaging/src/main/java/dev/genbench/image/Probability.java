package dev.genbench.image;

/** Checks the probabilities the pipeline steps are built with. */
final class Probability {
    private Probability() {}

    static void check(double p, String step) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(step + " probability must be within [0, 1], got " + p);
        }
    }
}
