package dev.genbench.engine.cpu;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.Launch;
import dev.genbench.engine.TensorView;
import java.lang.foreign.MemorySegment;

/**
 * Batch norm forward and backward on FP32 channels-last tensors, with the contract of
 * {@link Normalisation} (outputs y and the statistics used; running statistics updated in place).
 * Written by hand because oneDNN 3.11's nhwc batch norm was ~10x slower than its NCHW one on
 * MobileNetV2's 14x14x384 tensors on our 2-core AVX2 machines (40 ms against 4 ms a call); torch
 * too has its own channels-last kernel.
 *
 * <p>Channels-last memory is a [rows, C] matrix. Rows are copied in chunks of whole rows into
 * on-heap float arrays, and every loop runs flat over a chunk with per-channel values tiled to the
 * chunk's length, so each loop reads and writes its arrays at one index: the form C2 vectorises
 * (a loop mixing index {@code base + j} and {@code j} over float arrays it cannot prove distinct
 * ran 5x slower, scalar). Sums run in double, tiled the same way (as fast as float sums here, and
 * float sums left the analytically zero bias gradients of MobileNetV2's projections 2x noisier
 * than torch's). Stateless and thread-safe.
 */
final class ChannelsLastNorm {
    private ChannelsLastNorm() {}

    /** Floats per chunk, about 32 KB: a chunk and the tiled arrays stay in the core's cache. */
    private static final int CHUNK_FLOATS = 1 << 13;

    private static int chunkRows(int c) {
        return Math.max(1, CHUNK_FLOATS / c);
    }

    /** Per-channel values repeated for every row of a chunk. */
    private static float[] tiled(float[] perChannel, int c) {
        int rows = chunkRows(c);
        float[] out = new float[rows * c];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(perChannel, 0, out, r * c, c);
        }
        return out;
    }

    private static float[] floats(TensorView v, int c) {
        float[] out = new float[c];
        MemorySegment.copy(CpuBackend.seg(v), Mem.F32, 0, out, 0, c);
        return out;
    }

    private static void load(MemorySegment s, long row, int c, int n, float[] buf) {
        MemorySegment.copy(s, Mem.F32, row * c * Float.BYTES, buf, 0, n * c);
    }

    private static void store(float[] buf, MemorySegment s, long row, int c, int n) {
        MemorySegment.copy(buf, 0, s, Mem.F32, row * c * Float.BYTES, n * c);
    }

    /** One chunk's contribution to two running sums (tiled like the chunk). */
    @FunctionalInterface
    private interface ChunkSums {
        void add(long row, int n, float[] buf, float[] buf2, double[] sum1, double[] sum2);
    }

    /**
     * Two per-channel sums over all rows: {@code body} adds each chunk into tiled double sums,
     * folded per channel at the end. One share of rows per thread.
     */
    private static double[][] columnSums(long rows, int c, ChunkSums body) {
        int chunk = chunkRows(c);
        long chunks = (rows + chunk - 1) / chunk;
        int shares = (int) Math.max(1, Math.min(Parallel.threads(), chunks));
        double[][] s1 = new double[shares][c];
        double[][] s2 = new double[shares][c];
        Parallel.range(shares, 1, (from, to) -> {
            double[] d1 = new double[chunk * c];
            double[] d2 = new double[chunk * c];
            float[] buf = new float[chunk * c];
            float[] buf2 = new float[chunk * c];
            for (long t = from; t < to; t++) {
                long first = chunks * t / shares;
                long last = chunks * (t + 1) / shares;
                for (long k = first; k < last; k++) {
                    long row = k * chunk;
                    body.add(row, (int) Math.min(chunk, rows - row), buf, buf2, d1, d2);
                }
                fold(d1, s1[(int) t], c);
                fold(d2, s2[(int) t], c);
            }
        });
        for (int t = 1; t < shares; t++) {
            for (int j = 0; j < c; j++) {
                s1[0][j] += s1[t][j];
                s2[0][j] += s2[t][j];
            }
        }
        return new double[][] {s1[0], s2[0]};
    }

    /** Adds the tiled sums into the per-channel ones and clears them. */
    private static void fold(double[] tiledSums, double[] total, int c) {
        for (int i = 0; i < tiledSums.length; i++) {
            total[i % c] += tiledSums[i];
        }
        java.util.Arrays.fill(tiledSums, 0);
    }

    /** Inputs x, scale, bias, runningMean, runningVar; outputs y, mean, var (biased in training). */
    static void batchNorm(Launch l) {
        Attrs.BatchNorm attrs = (Attrs.BatchNorm) l.attrs();
        TensorView x = l.in(0);
        int c = x.shape().dim(1);
        long rows = x.elementCount() / c;
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment rm = CpuBackend.seg(l.in(3));
        MemorySegment rv = CpuBackend.seg(l.in(4));
        double[] mean = new double[c];
        double[] var = new double[c];
        if (attrs.training()) {
            // Sums of d = x - k, with k the first row: the shift keeps E[d^2] - E[d]^2 from
            // cancelling when a channel's mean is large next to its spread.
            float[] k = new float[c];
            MemorySegment.copy(xs, Mem.F32, 0, k, 0, c);
            float[] shift = tiled(k, c);
            double[][] s = columnSums(rows, c, (row, n, buf, unused, f1, f2) -> {
                load(xs, row, c, n, buf);
                for (int i = 0; i < n * c; i++) {
                    double d = buf[i] - shift[i];
                    f1[i] += d;
                    f2[i] += d * d;
                }
            });
            double unbias = rows > 1 ? (double) rows / (rows - 1) : 1;
            double m = attrs.momentum();
            for (int j = 0; j < c; j++) {
                double d = s[0][j] / rows;
                mean[j] = k[j] + d;
                var[j] = Math.max(0, s[1][j] / rows - d * d);
                rm.setAtIndex(Mem.F32, j, (float) ((1 - m) * rm.getAtIndex(Mem.F32, j) + m * mean[j]));
                rv.setAtIndex(Mem.F32, j, (float) ((1 - m) * rv.getAtIndex(Mem.F32, j) + m * var[j] * unbias));
            }
        } else {
            for (int j = 0; j < c; j++) {
                mean[j] = rm.getAtIndex(Mem.F32, j);
                var[j] = rv.getAtIndex(Mem.F32, j);
            }
        }
        float[] scale = floats(l.in(1), c);
        float[] bias = floats(l.in(2), c);
        float[] a = new float[c];
        float[] b = new float[c];
        float[] centre = new float[c];
        MemorySegment ms = CpuBackend.seg(l.out(1));
        MemorySegment vs = CpuBackend.seg(l.out(2));
        for (int j = 0; j < c; j++) {
            double invStd = 1 / Math.sqrt(var[j] + attrs.epsilon());
            a[j] = (float) (scale[j] * invStd);
            b[j] = bias[j];
            centre[j] = (float) mean[j];
            ms.setAtIndex(Mem.F32, j, (float) mean[j]);
            vs.setAtIndex(Mem.F32, j, (float) var[j]);
        }
        // y = (x - mean) * a + bias, not x * a + (bias - mean * a): the folded form cancels in float
        // when a channel's mean is large next to its spread.
        float[] at = tiled(a, c);
        float[] bt = tiled(b, c);
        float[] mt = tiled(centre, c);
        MemorySegment ys = CpuBackend.seg(l.out(0));
        boolean clips = attrs.clips();
        float lo = (float) attrs.clipMin();
        float hi = (float) attrs.clipMax();
        forEachChunk(rows, c, (row, n, buf, unused) -> {
            load(xs, row, c, n, buf);
            if (clips) {
                for (int i = 0; i < n * c; i++) {
                    buf[i] = Math.min(Math.max((buf[i] - mt[i]) * at[i] + bt[i], lo), hi);
                }
            } else {
                for (int i = 0; i < n * c; i++) {
                    buf[i] = (buf[i] - mt[i]) * at[i] + bt[i];
                }
            }
            store(buf, ys, row, c, n);
        });
    }

    /** Inputs x, g, scale, mean, var; outputs gx, gscale, gbias (torch's formulas, batch or running statistics). */
    static void batchNormGrad(Launch l) {
        Attrs.BatchNorm attrs = (Attrs.BatchNorm) l.attrs();
        TensorView x = l.in(0);
        int c = x.shape().dim(1);
        long rows = x.elementCount() / c;
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment gs = CpuBackend.seg(l.in(1));
        float[] scale = floats(l.in(2), c);
        float[] meanF = floats(l.in(3), c);
        float[] varF = floats(l.in(4), c);
        float[] meanT = tiled(meanF, c);
        // sum(g) and sum(g * (x - mean)) per channel
        double[][] s = columnSums(rows, c, (row, n, buf, gbuf, f1, f2) -> {
            load(xs, row, c, n, buf);
            load(gs, row, c, n, gbuf);
            for (int i = 0; i < n * c; i++) {
                double g = gbuf[i];
                f1[i] += g;
                f2[i] += g * (buf[i] - meanT[i]);
            }
        });
        float[] a = new float[c];
        float[] p = new float[c];
        float[] q = new float[c];
        MemorySegment gscale = CpuBackend.seg(l.out(1));
        MemorySegment gbias = CpuBackend.seg(l.out(2));
        for (int j = 0; j < c; j++) {
            double invStd = 1 / Math.sqrt(varF[j] + attrs.epsilon());
            double aj = scale[j] * invStd;
            a[j] = (float) aj;
            if (attrs.training()) {
                // gx = a (g - sum(g)/M - (x - mean) invStd^2 sum(g (x - mean))/M) = a ((g - q) + (x - mean) p),
                // in that order: g - mean(g) first, exact when they nearly cancel (as torch orders it).
                p[j] = (float) (-invStd * invStd * s[1][j] / rows);
                q[j] = (float) (s[0][j] / rows);
            }
            gscale.setAtIndex(Mem.F32, j, (float) (s[1][j] * invStd));
            gbias.setAtIndex(Mem.F32, j, (float) s[0][j]);
        }
        float[] at = tiled(a, c);
        float[] pt = tiled(p, c);
        float[] qt = tiled(q, c);
        MemorySegment gxs = CpuBackend.seg(l.out(0));
        forEachChunk(rows, c, (row, n, buf, gbuf) -> {
            load(xs, row, c, n, buf);
            load(gs, row, c, n, gbuf);
            for (int i = 0; i < n * c; i++) {
                gbuf[i] = at[i] * ((gbuf[i] - qt[i]) + (buf[i] - meanT[i]) * pt[i]);
            }
            store(gbuf, gxs, row, c, n);
        });
    }

    /** A pass over one chunk of rows with two chunk-sized scratch arrays. */
    @FunctionalInterface
    private interface ChunkPass {
        void run(long row, int n, float[] buf, float[] buf2);
    }

    /** Runs {@code body} over every chunk of rows, chunks spread over the threads. */
    private static void forEachChunk(long rows, int c, ChunkPass body) {
        int chunk = chunkRows(c);
        Parallel.range((rows + chunk - 1) / chunk, 1, (from, to) -> {
            float[] buf = new float[chunk * c];
            float[] buf2 = new float[chunk * c];
            for (long k = from; k < to; k++) {
                long row = k * chunk;
                body.run(row, (int) Math.min(chunk, rows - row), buf, buf2);
            }
        });
    }
}
