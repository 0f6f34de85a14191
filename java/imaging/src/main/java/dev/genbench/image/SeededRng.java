package dev.genbench.image;

import java.util.SplittableRandom;

/**
 * The one source of randomness of an item's pipeline. Created from the item seed (SPEC §5), so an item's
 * augmentation depends on nothing but (base seed, sample, replica): not on threads, order or epoch.
 *
 * <p>The original reseeds five generators (Python, numpy, torch, OpenCV, albumentations) with the same s;
 * here every draw comes from one stream in pipeline order. Bit-exact parity with those generators is not
 * a goal (SPEC §5); the order of operations and each draw's distribution are.
 *
 * <p>Built on {@link SplittableRandom}, whose algorithm (SplitMix64) is fixed by its specification, so
 * the same seed gives the same stream on every JDK. Not thread-safe: one instance per item.
 */
public final class SeededRng {
    private final SplittableRandom random;

    public SeededRng(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** An RNG seeded from OS entropy, for the deliberately non-reproducible part of training (SPEC §5). */
    public static SeededRng fromEntropy() {
        return new SeededRng(new java.security.SecureRandom().nextLong());
    }

    /** U[0, 1). */
    public double nextDouble() {
        return random.nextDouble();
    }

    /** U[lo, hi). */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    /** True with probability p: a uniform draw below p, as torchvision's RandomApply does. */
    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /** U{lo..hi}, both inclusive. */
    public int intInclusive(int lo, int hi) {
        return random.nextInt(lo, hi + 1);
    }

    /** U{0..bound-1}. */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** A 64-bit draw, used to seed OpenCV's RNG for per-pixel noise. */
    public long nextLong() {
        return random.nextLong();
    }

    /** One of the given values, uniformly. */
    @SafeVarargs
    public final <T> T choose(T... values) {
        return values[random.nextInt(values.length)];
    }

    /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
