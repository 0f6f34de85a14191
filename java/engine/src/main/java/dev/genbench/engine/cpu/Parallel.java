package dev.genbench.engine.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The one pool the CPU backend's Java kernels share, sized to the machine's cores. oneDNN runs
 * its own OpenMP threads; the two never run at the same time because kernels run one by one.
 * Thread-safe.
 */
public final class Parallel {

    /** A body over the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(long from, long to);
    }

    /**
     * System property naming how many threads the engine uses (its Java pool and oneDNN's OpenMP
     * threads); read once, when the CPU backend first loads. Default: all cores.
     */
    public static final String THREADS_PROPERTY = "genbench.engine.threads";

    private static final ForkJoinPool POOL = new ForkJoinPool(configuredThreads());

    static int configuredThreads() {
        String v = System.getProperty(THREADS_PROPERTY);
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        if (v == null || v.isBlank()) {
            return cores;
        }
        try {
            return Math.max(1, Integer.parseInt(v.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + THREADS_PROPERTY + "=" + v + " is not a thread count", e);
        }
    }

    private Parallel() {}

    public static int threads() {
        return POOL.getParallelism();
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of at least {@code grain} items,
     * on all cores; small ranges run on the calling thread to skip the hand-off.
     */
    public static void range(long n, long grain, Range body) {
        if (n <= 0) {
            return;
        }
        long g = Math.max(1, grain);
        int threads = POOL.getParallelism();
        if (n <= g || threads == 1 || (Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == POOL)) {
            body.run(0, n);
            return;
        }
        long chunks = Math.min((n + g - 1) / g, threads * 4L);
        long size = (n + chunks - 1) / chunks;
        POOL.invoke(new Split(body, 0, n, size));
    }

    /** A body over {@code length} items from {@code start}; see {@link #blocks}. */
    @FunctionalInterface
    public interface Block {
        void run(long start, int length);
    }

    /** Largest block {@link #blocks} hands out: 1 Mi items, 4 MB of floats, well inside an int. */
    static final int BLOCK = 1 << 20;

    /**
     * Like {@link #range}, but hands the body blocks of at most {@link #BLOCK} items with an int
     * length, so kernels loop {@code for (int i = 0; i < length; i++)} over slices of their
     * segments: int-counted loops are the ones C2 vectorises most reliably. (It does not stop C2's
     * speculative loop predicates from failing when tensors change size; the JVM flag
     * -XX:-UseProfiledLoopPredicate does, see the engine README.)
     */
    public static void blocks(long n, long grain, Block body) {
        range(n, grain, (from, to) -> {
            for (long s = from; s < to; s += BLOCK) {
                body.run(s, (int) Math.min(BLOCK, to - s));
            }
        });
    }

    private static final class Split extends RecursiveAction {
        private final Range body;
        private final long from;
        private final long to;
        private final long size;

        Split(Range body, long from, long to, long size) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.size = size;
        }

        @Override
        protected void compute() {
            if (to - from <= size) {
                body.run(from, to);
                return;
            }
            long mid = from + ((to - from) / size / 2) * size;
            if (mid <= from) {
                mid = from + size;
            }
            invokeAll(new Split(body, from, mid, size), new Split(body, mid, to, size));
        }
    }
}
