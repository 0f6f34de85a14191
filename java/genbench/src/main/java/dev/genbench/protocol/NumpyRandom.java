package dev.genbench.protocol;

/**
 * NumPy's {@code default_rng(seed)}: a {@code SeedSequence} expands the seed, which seeds PCG64 (XSL-RR
 * output on a 128-bit LCG); {@link #permutation(int)} is {@code Generator.permutation(n)}. The original
 * shuffles every evaluation set with Hugging Face's {@code Dataset.shuffle(seed)}, which is exactly
 * {@code default_rng(seed).permutation(len)}, so the evaluation order is reproduced only by matching these
 * draws bit for bit (SPEC §3.3, §3.6).
 *
 * <p>Not thread-safe.
 */
public final class NumpyRandom {
    // The PCG 128-bit LCG multiplier, high and low 64-bit halves.
    private static final long MULT_HI = 2549297995355413924L;
    private static final long MULT_LO = 4865540595714422341L;

    private long stateHi;
    private long stateLo;
    private long incHi;
    private long incLo;
    // PCG64 hands out 64-bit outputs and keeps the upper half of one for the next 32-bit request.
    private boolean hasUint32;
    private int bufferedUint32;

    /** {@code numpy.random.default_rng(seed)} for a non-negative integer seed. */
    public NumpyRandom(long seed) {
        if (seed < 0) {
            throw new IllegalArgumentException("numpy seeds must be non-negative, got " + seed);
        }
        long[] words = SeedSequence.generateState64(seed, 4);
        // pcg64_set_seed: the 128-bit seed is (words[0] high, words[1] low), the stream (words[2], words[3]).
        seed(words[0], words[1], words[2], words[3]);
    }

    private void seed(long seedHi, long seedLo, long seqHi, long seqLo) {
        stateHi = 0;
        stateLo = 0;
        incHi = (seqHi << 1) | (seqLo >>> 63);
        incLo = (seqLo << 1) | 1L;
        step();
        long lo = stateLo + seedLo;
        long carry = Long.compareUnsigned(lo, stateLo) < 0 ? 1 : 0;
        stateLo = lo;
        stateHi = stateHi + seedHi + carry;
        step();
        hasUint32 = false;
    }

    private void step() {
        long lo = stateLo * MULT_LO;
        long hi = Math.unsignedMultiplyHigh(stateLo, MULT_LO) + stateHi * MULT_LO + stateLo * MULT_HI;
        long sumLo = lo + incLo;
        long carry = Long.compareUnsigned(sumLo, lo) < 0 ? 1 : 0;
        stateLo = sumLo;
        stateHi = hi + incHi + carry;
    }

    /** The next 64-bit output (PCG64 {@code next_uint64}: advance, then XSL-RR of the new state). */
    public long nextUint64() {
        step();
        int rotation = (int) (stateHi >>> 58);
        return Long.rotateRight(stateHi ^ stateLo, rotation);
    }

    /** The next 32-bit output as numpy's PCG64 gives it: the low half of a fresh 64-bit draw, then its high half. */
    public long nextUint32() {
        if (hasUint32) {
            hasUint32 = false;
            return bufferedUint32 & 0xffffffffL;
        }
        long next = nextUint64();
        hasUint32 = true;
        bufferedUint32 = (int) (next >>> 32);
        return next & 0xffffffffL;
    }

    /**
     * A uniform integer in [0, max] as numpy's {@code random_bounded_uint64(.., 0, max, 0, use_masked=false)}
     * draws it: Lemire's multiply-shift rejection on 32-bit outputs when max fits in 32 bits, on 64-bit
     * outputs otherwise.
     */
    public long boundedInclusive(long max) {
        if (max == 0) {
            return 0;
        }
        if (Long.compareUnsigned(max, 0xffffffffL) <= 0) {
            if (max == 0xffffffffL) {
                return nextUint32();
            }
            long rangeExcl = max + 1;
            long m = nextUint32() * rangeExcl;
            long leftover = m & 0xffffffffL;
            if (leftover < rangeExcl) {
                long threshold = (0xffffffffL - max) % rangeExcl;
                while (leftover < threshold) {
                    m = nextUint32() * rangeExcl;
                    leftover = m & 0xffffffffL;
                }
            }
            return m >>> 32;
        }
        if (max == -1L) {
            return nextUint64();
        }
        long rangeExcl = max + 1;
        long x = nextUint64();
        long lo = x * rangeExcl;
        if (Long.compareUnsigned(lo, rangeExcl) < 0) {
            long threshold = Long.remainderUnsigned(-rangeExcl, rangeExcl);
            while (Long.compareUnsigned(lo, threshold) < 0) {
                x = nextUint64();
                lo = x * rangeExcl;
            }
        }
        return Math.unsignedMultiplyHigh(x, rangeExcl);
    }

    /**
     * A uniform integer in [0, max] as numpy's {@code random_interval} draws it: mask the next output to the
     * smallest all-ones mask covering max and retry while above max (32-bit outputs when max fits in 32
     * bits). {@code Generator.shuffle} uses this, not the Lemire draw of {@link #boundedInclusive}.
     */
    public long interval(long max) {
        if (max == 0) {
            return 0;
        }
        long mask = -1L >>> Long.numberOfLeadingZeros(max);
        long value;
        if (Long.compareUnsigned(max, 0xffffffffL) <= 0) {
            do {
                value = nextUint32() & mask;
            } while (value > max);
        } else {
            do {
                value = nextUint64() & mask;
            } while (Long.compareUnsigned(value, max) > 0);
        }
        return value;
    }

    /** {@code Generator.shuffle(x)} for a 1-D array: from the last index down to 1, swap with {@link #interval}. */
    public void shuffle(int[] x) {
        for (int i = x.length - 1; i > 0; i--) {
            int j = (int) interval(i);
            int t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }

    /** {@code Generator.permutation(n)}: {@code arange(n)} shuffled. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }

    /** {@code default_rng(seed).permutation(n)}, the order {@code Dataset.shuffle(seed=seed)} gives. */
    public static int[] permutation(long seed, int n) {
        return new NumpyRandom(seed).permutation(n);
    }

    /** NumPy's {@code SeedSequence} for a plain integer entropy (no spawn key), pool size 4. */
    static final class SeedSequence {
        private static final int INIT_A = 0x43b0d7e5;
        private static final int MULT_A = 0x931e8875;
        private static final int INIT_B = 0x8b51f9dd;
        private static final int MULT_B = 0x58f38ded;
        private static final int MIX_MULT_L = 0xca01f9dd;
        private static final int MIX_MULT_R = 0x4973f715;
        private static final int XSHIFT = 16;
        private static final int POOL_SIZE = 4;

        private SeedSequence() {}

        static int[] pool(long entropy) {
            int[] words = (entropy >>> 32) == 0 ? new int[] {(int) entropy} : new int[] {(int) entropy, (int) (entropy >>> 32)};
            int[] mixer = new int[POOL_SIZE];
            int[] hashConst = {INIT_A};
            for (int i = 0; i < POOL_SIZE; i++) {
                mixer[i] = hashmix(i < words.length ? words[i] : 0, hashConst);
            }
            for (int src = 0; src < POOL_SIZE; src++) {
                for (int dst = 0; dst < POOL_SIZE; dst++) {
                    if (src != dst) {
                        mixer[dst] = mix(mixer[dst], hashmix(mixer[src], hashConst));
                    }
                }
            }
            for (int src = POOL_SIZE; src < words.length; src++) {
                for (int dst = 0; dst < POOL_SIZE; dst++) {
                    mixer[dst] = mix(mixer[dst], hashmix(words[src], hashConst));
                }
            }
            return mixer;
        }

        /** {@code generate_state(n, uint64)}: 2n 32-bit words, paired little-endian into 64-bit words. */
        static long[] generateState64(long entropy, int n) {
            int[] pool = pool(entropy);
            int hashConst = INIT_B;
            long[] out = new long[n];
            for (int i = 0; i < 2 * n; i++) {
                int value = pool[i % POOL_SIZE];
                value ^= hashConst;
                hashConst *= MULT_B;
                value *= hashConst;
                value ^= value >>> XSHIFT;
                if ((i & 1) == 0) {
                    out[i / 2] = value & 0xffffffffL;
                } else {
                    out[i / 2] |= (value & 0xffffffffL) << 32;
                }
            }
            return out;
        }

        private static int hashmix(int value, int[] hashConst) {
            value ^= hashConst[0];
            hashConst[0] *= MULT_A;
            value *= hashConst[0];
            value ^= value >>> XSHIFT;
            return value;
        }

        private static int mix(int x, int y) {
            int result = MIX_MULT_L * x - MIX_MULT_R * y;
            result ^= result >>> XSHIFT;
            return result;
        }
    }
}
