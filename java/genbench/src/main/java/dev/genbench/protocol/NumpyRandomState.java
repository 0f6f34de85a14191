package dev.genbench.protocol;

/**
 * NumPy's legacy {@code RandomState(seed)} (MT19937 seeded with {@code init_genrand}), for the calls
 * scikit-learn's stratified splitting makes: {@code permutation}, {@code shuffle} and {@code choice} without
 * replacement. Not thread-safe.
 */
final class NumpyRandomState {
    private final PythonRandom mt;

    /** {@code RandomState(seed)} for 0 &lt;= seed &lt; 2^32. */
    NumpyRandomState(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            throw new IllegalArgumentException("RandomState seeds lie in [0, 2^32), got " + seed);
        }
        this.mt = PythonRandom.withInitGenrand((int) seed);
    }

    /** {@code random_interval(max)}: masked rejection on 32-bit outputs (max below 2^32 only). */
    long interval(long max) {
        if (max == 0) {
            return 0;
        }
        if (max > 0xffffffffL) {
            throw new IllegalArgumentException("intervals above 2^32 are not needed here");
        }
        long mask = -1L >>> Long.numberOfLeadingZeros(max);
        long value;
        do {
            value = mt.nextUint32() & mask;
        } while (value > max);
        return value;
    }

    /** {@code shuffle(x)} for a 1-D array. */
    void shuffle(int[] x) {
        for (int i = x.length - 1; i > 0; i--) {
            int j = (int) interval(i);
            int t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }

    /** {@code permutation(n)}. */
    int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }

    /** {@code permutation(array)}: a shuffled copy. */
    int[] permutation(int[] values) {
        int[] p = values.clone();
        shuffle(p);
        return p;
    }

    /** {@code choice(values, size, replace=False)}: the first {@code size} of a permutation, as the legacy API draws it. */
    int[] choiceWithoutReplacement(int[] values, int size) {
        int[] idx = permutation(values.length);
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = values[idx[i]];
        }
        return out;
    }
}
