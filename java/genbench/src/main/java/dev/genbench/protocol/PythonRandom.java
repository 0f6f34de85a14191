package dev.genbench.protocol;

/**
 * CPython's {@code random.Random} (MT19937), reproduced draw for draw for the calls the protocol makes:
 * {@code seed(int)}, {@code getrandbits}, {@code _randbelow}, {@code sample}, {@code shuffle} and
 * {@code random()}. The original chooses each window's real images and the evaluation pairing with it, so
 * the benchmark's index lists are only reproduced when every draw matches (SPEC §3.6).
 *
 * <p>Not thread-safe: one instance per sequence of draws, as the original reseeds the global generator
 * before each use.
 */
public final class PythonRandom {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] mt = new int[N];
    private int mti;

    /** A generator in the state {@code random.seed(seed)} leaves it in. */
    public PythonRandom(long seed) {
        seed(seed);
    }

    private PythonRandom() {}

    /**
     * The same MT19937 seeded with the reference {@code init_genrand(seed)} instead of {@code init_by_array}:
     * NumPy's legacy {@code RandomState(seed)} seeds this way for an integer seed.
     */
    static PythonRandom withInitGenrand(int seed) {
        PythonRandom r = new PythonRandom();
        r.initGenrand(seed);
        return r;
    }

    /**
     * {@code random.seed(seed)} for an integer: MT19937's {@code init_by_array} over the 32-bit
     * little-endian words of |seed| (one zero word for 0).
     */
    public void seed(long seed) {
        // |Long.MIN_VALUE| does not fit a long; its magnitude is 2^63, whose words are [0, 0x80000000].
        long magnitude = seed == Long.MIN_VALUE ? Long.MIN_VALUE : Math.abs(seed);
        int[] key;
        int low = (int) magnitude;
        int high = (int) (magnitude >>> 32);
        key = high == 0 ? new int[] {low} : new int[] {low, high};
        initByArray(key);
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        mti = N;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    /** The next 32-bit output of MT19937, as an unsigned value in the low bits of a long. */
    public long nextUint32() {
        if (mti >= N) {
            int kk;
            int y;
            for (kk = 0; kk < N - M; kk++) {
                y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
                mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
            }
            for (; kk < N - 1; kk++) {
                y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
                mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
            }
            y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
            mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
            mti = 0;
        }
        int y = mt[mti++];
        y ^= (y >>> 11);
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= (y >>> 18);
        return y & 0xffffffffL;
    }

    /**
     * {@code getrandbits(k)} for 0 &lt;= k &lt;= 63. Above 32 bits CPython fills 32-bit words from the least
     * significant one up, the last word keeping its top bits.
     */
    public long getrandbits(int k) {
        if (k < 0 || k > 63) {
            throw new IllegalArgumentException("getrandbits supports 0..63 bits here, got " + k);
        }
        if (k == 0) {
            return 0;
        }
        if (k <= 32) {
            return nextUint32() >>> (32 - k);
        }
        long low = nextUint32();
        long high = nextUint32() >>> (64 - k);
        return (high << 32) | low;
    }

    /** {@code _randbelow(n)}: rejection sampling on {@code getrandbits(bit_length(n))}; 0 when n is 0. */
    public long randbelow(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("randbelow needs n >= 0, got " + n);
        }
        if (n == 0) {
            return 0;
        }
        int k = 64 - Long.numberOfLeadingZeros(n);
        long r = getrandbits(k);
        while (r >= n) {
            r = getrandbits(k);
        }
        return r;
    }

    /** {@code random()}: a double in [0, 1) from 53 random bits (27 + 26), as CPython builds it. */
    public double random() {
        long a = nextUint32() >>> 5;
        long b = nextUint32() >>> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /**
     * {@code random.sample(population, k)} on a list of ints, in CPython's order. CPython switches between a
     * pool (partial Fisher-Yates over a copy) and a set of chosen indices with rejection, by comparing
     * the population size with {@link #sampleSetSize(int)}; both branches are reproduced because they consume
     * the generator differently.
     */
    public int[] sample(int[] population, int k) {
        int n = population.length;
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("sample size " + k + " is larger than the population " + n + " or negative");
        }
        int[] result = new int[k];
        if (n <= sampleSetSize(k)) {
            int[] pool = population.clone();
            for (int i = 0; i < k; i++) {
                int j = (int) randbelow(n - i);
                result[i] = pool[j];
                pool[j] = pool[n - i - 1];
            }
        } else {
            java.util.BitSet selected = new java.util.BitSet(n);
            for (int i = 0; i < k; i++) {
                int j = (int) randbelow(n);
                while (selected.get(j)) {
                    j = (int) randbelow(n);
                }
                selected.set(j);
                result[i] = population[j];
            }
        }
        return result;
    }

    /**
     * CPython's {@code setsize}: 21, plus {@code 4 ** ceil(log(3k, 4))} when k &gt; 5. CPython computes the
     * exponent with floating-point logarithms; 3k is never a power of 4, so the smallest m with 4^m &gt;= 3k
     * is the same integer and is computed here without rounding.
     */
    static long sampleSetSize(int k) {
        long size = 21;
        if (k > 5) {
            long target = 3L * k;
            long power = 1;
            while (power < target) {
                power *= 4;
            }
            size += power;
        }
        return size;
    }

    /** {@code random.shuffle(x)} in place: for i from the end down to 1, swap x[i] with x[randbelow(i+1)]. */
    public void shuffle(int[] x) {
        for (int i = x.length - 1; i > 0; i--) {
            int j = (int) randbelow(i + 1);
            int t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }
}
