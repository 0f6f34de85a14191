package dev.genbench.engine.cpu;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.DType;
import dev.genbench.engine.Launch;
import dev.genbench.engine.TensorView;
import java.lang.foreign.MemorySegment;

/**
 * Batch and layer normalisation, forward and backward, with torch's semantics. Statistics are
 * accumulated in double. Stateless and thread-safe (each channel or row is one task).
 */
final class Normalisation {
    private Normalisation() {}

    static void run(Launch l) {
        switch (l.op()) {
            case BATCH_NORM -> batchNorm(l);
            case BATCH_NORM_GRAD -> batchNormGrad(l);
            case LAYER_NORM -> layerNorm(l);
            case LAYER_NORM_GRAD -> layerNormGrad(l);
            default -> throw new IllegalArgumentException(l.op() + " is not a normalisation");
        }
    }

    /**
     * Inputs x [N, C, ...], scale, bias, runningMean, runningVar (all [C]); outputs y, mean, var
     * (the statistics used: the batch's, with biased variance, in training; the running ones in
     * eval). Mean and variance rather than 1/std are saved because that is what oneDNN's
     * backward takes, so both paths share one contract.
     * Training uses the batch's biased variance to normalise and, as torch does, updates the
     * running variance with the unbiased one: running = (1 - momentum) * running + momentum * batch.
     * The running statistics are updated IN PLACE in inputs 3 and 4. Eval mode normalises with the
     * running statistics and leaves them alone.
     */
    private static void batchNorm(Launch l) {
        Attrs.BatchNorm a = (Attrs.BatchNorm) l.attrs();
        TensorView x = l.in(0);
        int n = x.shape().dim(0);
        int c = x.shape().dim(1);
        long spatial = x.elementCount() / Math.max(1, (long) n * c);
        long count = (long) n * spatial;
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment sc = CpuBackend.seg(l.in(1));
        MemorySegment bi = CpuBackend.seg(l.in(2));
        MemorySegment rm = CpuBackend.seg(l.in(3));
        MemorySegment rv = CpuBackend.seg(l.in(4));
        MemorySegment ys = CpuBackend.seg(l.out(0));
        MemorySegment ms = CpuBackend.seg(l.out(1));
        MemorySegment vs = CpuBackend.seg(l.out(2));
        DType t = x.dtype();
        Parallel.range(c, 1, (from, to) -> {
            for (long ch = from; ch < to; ch++) {
                double mean;
                double var;
                if (a.training()) {
                    double sum = 0;
                    for (int i = 0; i < n; i++) {
                        long base = ((long) i * c + ch) * spatial;
                        for (long s = 0; s < spatial; s++) {
                            sum += Mem.get(xs, t, base + s);
                        }
                    }
                    mean = sum / count;
                    double sq = 0;
                    for (int i = 0; i < n; i++) {
                        long base = ((long) i * c + ch) * spatial;
                        for (long s = 0; s < spatial; s++) {
                            double d = Mem.get(xs, t, base + s) - mean;
                            sq += d * d;
                        }
                    }
                    var = sq / count;
                    double unbiased = count > 1 ? sq / (count - 1) : var;
                    Mem.set(rm, t, ch, (1 - a.momentum()) * Mem.get(rm, t, ch) + a.momentum() * mean);
                    Mem.set(rv, t, ch, (1 - a.momentum()) * Mem.get(rv, t, ch) + a.momentum() * unbiased);
                } else {
                    mean = Mem.get(rm, t, ch);
                    var = Mem.get(rv, t, ch);
                }
                double invstd = 1 / Math.sqrt(var + a.epsilon());
                double gamma = Mem.get(sc, t, ch);
                double beta = Mem.get(bi, t, ch);
                for (int i = 0; i < n; i++) {
                    long base = ((long) i * c + ch) * spatial;
                    for (long s = 0; s < spatial; s++) {
                        double y = (Mem.get(xs, t, base + s) - mean) * invstd * gamma + beta;
                        Mem.set(ys, t, base + s, Math.min(Math.max(y, a.clipMin()), a.clipMax()));
                    }
                }
                Mem.set(ms, t, ch, mean);
                Mem.set(vs, t, ch, var);
            }
        });
    }

    /**
     * Inputs x, g, scale, mean, var (as the forward saved them); outputs gx, gscale, gbias. In training mode the statistics
     * depend on x, which adds the two mean terms; in eval mode they are constants.
     */
    private static void batchNormGrad(Launch l) {
        Attrs.BatchNorm a = (Attrs.BatchNorm) l.attrs();
        TensorView x = l.in(0);
        int n = x.shape().dim(0);
        int c = x.shape().dim(1);
        long spatial = x.elementCount() / Math.max(1, (long) n * c);
        long count = (long) n * spatial;
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment gs = CpuBackend.seg(l.in(1));
        MemorySegment sc = CpuBackend.seg(l.in(2));
        MemorySegment ms = CpuBackend.seg(l.in(3));
        MemorySegment vs = CpuBackend.seg(l.in(4));
        MemorySegment gx = CpuBackend.seg(l.out(0));
        MemorySegment gsc = CpuBackend.seg(l.out(1));
        MemorySegment gb = CpuBackend.seg(l.out(2));
        DType t = x.dtype();
        Parallel.range(c, 1, (from, to) -> {
            for (long ch = from; ch < to; ch++) {
                double mean = Mem.get(ms, t, ch);
                double invstd = 1 / Math.sqrt(Mem.get(vs, t, ch) + a.epsilon());
                double gamma = Mem.get(sc, t, ch);
                double sumG = 0;
                double sumGx = 0;
                for (int i = 0; i < n; i++) {
                    long base = ((long) i * c + ch) * spatial;
                    for (long s = 0; s < spatial; s++) {
                        double gv = Mem.get(gs, t, base + s);
                        sumG += gv;
                        sumGx += gv * (Mem.get(xs, t, base + s) - mean) * invstd;
                    }
                }
                Mem.set(gb, t, ch, sumG);
                Mem.set(gsc, t, ch, sumGx);
                for (int i = 0; i < n; i++) {
                    long base = ((long) i * c + ch) * spatial;
                    for (long s = 0; s < spatial; s++) {
                        double gv = Mem.get(gs, t, base + s);
                        double v;
                        if (a.training()) {
                            double xhat = (Mem.get(xs, t, base + s) - mean) * invstd;
                            v = gamma * invstd * (gv - sumG / count - xhat * sumGx / count);
                        } else {
                            v = gamma * invstd * gv;
                        }
                        Mem.set(gx, t, base + s, v);
                    }
                }
            }
        });
    }

    /** Inputs x, scale, bias (shape x.shape[axis:]); outputs y, mean and invstd per row. */
    private static void layerNorm(Launch l) {
        Attrs.LayerNorm a = (Attrs.LayerNorm) l.attrs();
        TensorView x = l.in(0);
        long d = l.in(1).elementCount();
        long rows = x.elementCount() / Math.max(1, d);
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment sc = CpuBackend.seg(l.in(1));
        MemorySegment bi = CpuBackend.seg(l.in(2));
        MemorySegment ys = CpuBackend.seg(l.out(0));
        MemorySegment ms = CpuBackend.seg(l.out(1));
        MemorySegment is = CpuBackend.seg(l.out(2));
        DType t = x.dtype();
        Parallel.range(rows, Math.max(1, 4096 / Math.max(1, d)), (from, to) -> {
            for (long r = from; r < to; r++) {
                long base = r * d;
                double sum = 0;
                for (long j = 0; j < d; j++) {
                    sum += Mem.get(xs, t, base + j);
                }
                double mean = sum / d;
                double sq = 0;
                for (long j = 0; j < d; j++) {
                    double v = Mem.get(xs, t, base + j) - mean;
                    sq += v * v;
                }
                double invstd = 1 / Math.sqrt(sq / d + a.epsilon());
                for (long j = 0; j < d; j++) {
                    Mem.set(ys, t, base + j, (Mem.get(xs, t, base + j) - mean) * invstd * Mem.get(sc, t, j) + Mem.get(bi, t, j));
                }
                Mem.set(ms, t, r, mean);
                Mem.set(is, t, r, invstd);
            }
        });
    }

    /** Inputs x, g, scale, mean, invstd; outputs gx, gscale, gbias. */
    private static void layerNormGrad(Launch l) {
        TensorView x = l.in(0);
        long d = l.in(2).elementCount();
        long rows = x.elementCount() / Math.max(1, d);
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment gs = CpuBackend.seg(l.in(1));
        MemorySegment sc = CpuBackend.seg(l.in(2));
        MemorySegment ms = CpuBackend.seg(l.in(3));
        MemorySegment is = CpuBackend.seg(l.in(4));
        MemorySegment gx = CpuBackend.seg(l.out(0));
        MemorySegment gsc = CpuBackend.seg(l.out(1));
        MemorySegment gb = CpuBackend.seg(l.out(2));
        DType t = x.dtype();
        Parallel.range(rows, Math.max(1, 4096 / Math.max(1, d)), (from, to) -> {
            for (long r = from; r < to; r++) {
                long base = r * d;
                double mean = Mem.get(ms, t, r);
                double invstd = Mem.get(is, t, r);
                double sumGh = 0;
                double sumGhX = 0;
                for (long j = 0; j < d; j++) {
                    double gh = Mem.get(gs, t, base + j) * Mem.get(sc, t, j);
                    double xhat = (Mem.get(xs, t, base + j) - mean) * invstd;
                    sumGh += gh;
                    sumGhX += gh * xhat;
                }
                for (long j = 0; j < d; j++) {
                    double gh = Mem.get(gs, t, base + j) * Mem.get(sc, t, j);
                    double xhat = (Mem.get(xs, t, base + j) - mean) * invstd;
                    Mem.set(gx, t, base + j, invstd * (gh - sumGh / d - xhat * sumGhX / d));
                }
            }
        });
        // Parameter gradients sum over rows; done per column so tasks never share an output.
        Parallel.range(d, 64, (from, to) -> {
            for (long j = from; j < to; j++) {
                double sg = 0;
                double sgx = 0;
                for (long r = 0; r < rows; r++) {
                    double gv = Mem.get(gs, t, r * d + j);
                    sg += gv;
                    sgx += gv * (Mem.get(xs, t, r * d + j) - Mem.get(ms, t, r)) * Mem.get(is, t, r);
                }
                Mem.set(gb, t, j, sg);
                Mem.set(gsc, t, j, sgx);
            }
        });
    }
}
