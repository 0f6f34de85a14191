package dev.genbench.engine.cpu;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.Launch;
import dev.genbench.engine.TensorView;
import java.lang.foreign.MemorySegment;

/**
 * Batch norm forward and backward on FP32 channels-last tensors, with the contract of
 * {@link Normalisation} (outputs y and the statistics used; running statistics updated in place).
 * Channels-last memory is a [rows, C] matrix, so every pass is a loop over rows whose inner loop
 * runs along the channels: the JIT vectorises it. Written by hand because oneDNN 3.11's nhwc batch
 * norm was ~10x slower than its NCHW one on MobileNetV2's 14x14x384 tensors on our 2-core AVX2
 * machines (40 ms against 4 ms per call), and torch too has its own channels-last kernel.
 *
 * <p>Rows are copied in chunks into on-heap float arrays (cache-sized), where plain array loops
 * vectorise reliably; sums run in float over one chunk's rows (so the loops stay float-only), then in double, per thread. Stateless and thread-safe.
 */
final class ChannelsLastNorm {
    private ChannelsLastNorm() {}

    /** Floats per chunk: 32 KB, so a chunk and its output stay in the core's cache. */
    private static final int CHUNK_FLOATS = 1 << 13;

    /** Per-thread partial sums over a share of the rows. */
    private interface Partial {
        void run(long fromRow, long toRow, double[] s1, double[] s2, float[] buf, float[] buf2);
    }

    /** Runs {@code body} over the rows split in one share per thread; returns {s1, s2} summed over the shares. */
    private static double[][] columnSums(long rows, int c, Partial body) {
        int shares = (int) Math.max(1, Math.min(Parallel.threads(), rows));
        double[][] s1 = new double[shares][c];
        double[][] s2 = new double[shares][c];
        Parallel.range(shares, 1, (from, to) -> {
            for (long t = from; t < to; t++) {
                float[] buf = new float[chunkRows(c) * c];
                float[] buf2 = new float[chunkRows(c) * c];
                body.run(rows * t / shares, rows * (t + 1) / shares, s1[(int) t], s2[(int) t], buf, buf2);
            }
        });
        for (int t = 1; t < shares; t++) {
            for (int k = 0; k < c; k++) {
                s1[0][k] += s1[t][k];
                s2[0][k] += s2[t][k];
            }
        }
        return new double[][] {s1[0], s2[0]};
    }

    /** Adds a chunk's float partial sums into the running double ones (float only over a chunk's rows). */
    private static void addTo(double[] total, float[] chunk) {
        for (int j = 0; j < total.length; j++) {
            total[j] += chunk[j];
        }
    }

    private static int chunkRows(int c) {
        return Math.max(1, CHUNK_FLOATS / c);
    }

    private static void load(MemorySegment s, long row, int c, int n, float[] buf) {
        MemorySegment.copy(s, Mem.F32, row * c * Float.BYTES, buf, 0, n * c);
    }

    private static void store(float[] buf, MemorySegment s, long row, int c, int n) {
        MemorySegment.copy(buf, 0, s, Mem.F32, row * c * Float.BYTES, n * c);
    }

    private static float[] floats(TensorView v, int c) {
        float[] out = new float[c];
        MemorySegment.copy(CpuBackend.seg(v), Mem.F32, 0, out, 0, c);
        return out;
    }

    /** y = x * a[c] + b[c] over all rows (a and b folded from scale, bias and the statistics). */
    private static void affine(MemorySegment xs, MemorySegment ys, long rows, int c, float[] a, float[] b) {
        int chunk = chunkRows(c);
        Parallel.range((rows + chunk - 1) / chunk, 1, (from, to) -> {
            float[] buf = new float[chunk * c];
            for (long k = from; k < to; k++) {
                long row = k * chunk;
                int n = (int) Math.min(chunk, rows - row);
                load(xs, row, c, n, buf);
                for (int r = 0; r < n; r++) {
                    int base = r * c;
                    for (int j = 0; j < c; j++) {
                        buf[base + j] = buf[base + j] * a[j] + b[j];
                    }
                }
                store(buf, ys, row, c, n);
            }
        });
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
            // Sums of x - k, with k the first row: the shift keeps E[d^2] - E[d]^2 from cancelling
            // when a channel's mean is large next to its spread.
            float[] shift = new float[c];
            MemorySegment.copy(xs, Mem.F32, 0, shift, 0, c);
            double[][] s = columnSums(rows, c, (from, to, s1, s2, buf, unused) -> {
                int chunk = chunkRows(c);
                float[] f1 = new float[c];
                float[] f2 = new float[c];
                for (long row = from; row < to; row += chunk) {
                    int n = (int) Math.min(chunk, to - row);
                    load(xs, row, c, n, buf);
                    java.util.Arrays.fill(f1, 0);
                    java.util.Arrays.fill(f2, 0);
                    for (int r = 0; r < n; r++) {
                        int base = r * c;
                        for (int j = 0; j < c; j++) {
                            float d = buf[base + j] - shift[j];
                            f1[j] += d;
                            f2[j] += d * d;
                        }
                    }
                    addTo(s1, f1);
                    addTo(s2, f2);
                }
            });
            double unbias = rows > 1 ? (double) rows / (rows - 1) : 1;
            double m = attrs.momentum();
            for (int j = 0; j < c; j++) {
                double d = s[0][j] / rows;
                mean[j] = shift[j] + d;
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
        MemorySegment ms = CpuBackend.seg(l.out(1));
        MemorySegment vs = CpuBackend.seg(l.out(2));
        for (int j = 0; j < c; j++) {
            double invStd = 1 / Math.sqrt(var[j] + attrs.epsilon());
            a[j] = (float) (scale[j] * invStd);
            b[j] = (float) (bias[j] - mean[j] * scale[j] * invStd);
            ms.setAtIndex(Mem.F32, j, (float) mean[j]);
            vs.setAtIndex(Mem.F32, j, (float) var[j]);
        }
        affine(xs, CpuBackend.seg(l.out(0)), rows, c, a, b);
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
        // sum(g) and sum(g * (x - mean)) per channel
        double[][] s = columnSums(rows, c, (from, to, sg, sgx, buf, gbuf) -> {
            int chunk = chunkRows(c);
            float[] f1 = new float[c];
            float[] f2 = new float[c];
            for (long row = from; row < to; row += chunk) {
                int n = (int) Math.min(chunk, to - row);
                load(xs, row, c, n, buf);
                load(gs, row, c, n, gbuf);
                java.util.Arrays.fill(f1, 0);
                java.util.Arrays.fill(f2, 0);
                for (int r = 0; r < n; r++) {
                    int base = r * c;
                    for (int j = 0; j < c; j++) {
                        float g = gbuf[base + j];
                        f1[j] += g;
                        f2[j] += g * (buf[base + j] - meanF[j]);
                    }
                }
                addTo(sg, f1);
                addTo(sgx, f2);
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
                // gx = a (g - sum(g)/M - (x - mean) invStd^2 sum(g (x - mean))/M) = a g + p x + q
                double pj = -aj * invStd * invStd * s[1][j] / rows;
                p[j] = (float) pj;
                q[j] = (float) (-aj * s[0][j] / rows - pj * meanF[j]);
            }
            gscale.setAtIndex(Mem.F32, j, (float) (s[1][j] * invStd));
            gbias.setAtIndex(Mem.F32, j, (float) s[0][j]);
        }
        MemorySegment gxs = CpuBackend.seg(l.out(0));
        int chunk = chunkRows(c);
        Parallel.range((rows + chunk - 1) / chunk, 1, (from, to) -> {
            float[] buf = new float[chunk * c];
            float[] gbuf = new float[chunk * c];
            for (long k = from; k < to; k++) {
                long row = k * chunk;
                int n = (int) Math.min(chunk, rows - row);
                load(xs, row, c, n, buf);
                load(gs, row, c, n, gbuf);
                for (int r = 0; r < n; r++) {
                    int base = r * c;
                    for (int j = 0; j < c; j++) {
                        gbuf[base + j] = a[j] * gbuf[base + j] + p[j] * buf[base + j] + q[j];
                    }
                }
                store(gbuf, gxs, row, c, n);
            }
        });
    }
}
