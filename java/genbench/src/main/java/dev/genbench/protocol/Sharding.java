package dev.genbench.protocol;

import dev.genbench.console.UserError;

/**
 * Deterministic splitting of an ordered list of samples across processes or cluster array tasks: shard i
 * of n is fixed by (list, i, n) alone, and the shards together hold each element exactly once, each in
 * the list's order. {@link #shard} interleaves (every n-th element), {@link #block} cuts contiguous blocks.
 */
public final class Sharding {
    private Sharding() {}

    /** The elements of {@code order} that shard {@code index} of {@code count} handles. */
    public static int[] shard(int[] order, int index, int count) {
        if (count <= 0 || index < 0 || index >= count) {
            throw new UserError("Shard " + index + " of " + count + " does not exist; use a shard index from 0 to count-1 with count >= 1.");
        }
        int size = order.length <= index ? 0 : (order.length - index + count - 1) / count;
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = order[index + i * count];
        }
        return out;
    }

    /**
     * The elements of {@code order} that shard {@code index} of {@code count} handles when shards are
     * contiguous blocks (sizes differ by at most one, larger ones first): better when a shard reads its
     * images in order from disk.
     */
    public static int[] block(int[] order, int index, int count) {
        if (count <= 0 || index < 0 || index >= count) {
            throw new UserError("Shard " + index + " of " + count + " does not exist; use a shard index from 0 to count-1 with count >= 1.");
        }
        int base = order.length / count;
        int extra = order.length % count;
        int start = index * base + Math.min(index, extra);
        int size = base + (index < extra ? 1 : 0);
        return java.util.Arrays.copyOfRange(order, start, start + size);
    }

    /** {@code order} reordered by {@code default_rng(seed).permutation}: the same for a seed on every machine. */
    public static int[] shuffled(int[] order, long seed) {
        int[] p = NumpyRandom.permutation(seed, order.length);
        int[] out = new int[order.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = order[p[i]];
        }
        return out;
    }
}
