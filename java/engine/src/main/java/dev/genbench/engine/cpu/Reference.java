package dev.genbench.engine.cpu;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.DType;
import dev.genbench.engine.Launch;
import dev.genbench.engine.Op;
import dev.genbench.engine.Shape;
import dev.genbench.engine.TensorView;
import java.lang.foreign.MemorySegment;

/**
 * Plain-Java scalar references for the ops oneDNN computes on the fast path (matmul, convolution
 * forward and both backwards) and the pooling kernels. Written to be read against the formulas,
 * not to be fast; they serve the reference backend, FP64 tensors and shapes oneDNN is not asked
 * to do. All layouts are dense NCHW / row-major. Stateless and thread-safe.
 */
final class Reference {
    private Reference() {}

    /** C[b] = A[b] @ B[b] for A [..., M, K], B [..., K, N] with broadcast batch dimensions. */
    static void matmul(Launch l) {
        TensorView a = l.in(0);
        TensorView b = l.in(1);
        TensorView c = l.out(0);
        Shape cs = c.shape();
        int rank = cs.rank();
        int m = cs.dim(rank - 2);
        int n = cs.dim(rank - 1);
        int k = a.shape().dim(a.shape().rank() - 1);
        Shape batch = Shape.of(java.util.Arrays.copyOf(cs.dims(), rank - 2));
        Shape aBatch = Shape.of(java.util.Arrays.copyOf(a.shape().dims(), a.shape().rank() - 2));
        Shape bBatch = Shape.of(java.util.Arrays.copyOf(b.shape().dims(), b.shape().rank() - 2));
        long[] sa = aBatch.broadcastStrides(batch);
        long[] sb = bBatch.broadcastStrides(batch);
        MemorySegment as = CpuBackend.seg(a);
        MemorySegment bs = CpuBackend.seg(b);
        MemorySegment cseg = CpuBackend.seg(c);
        DType t = c.dtype();
        long batches = batch.elementCount();
        int[] bd = batch.dims();
        Parallel.range(batches * m, 1, (from, to) -> {
            for (long r = from; r < to; r++) {
                long bi = r / m;
                int i = (int) (r % m);
                long offA = 0;
                long offB = 0;
                long rem = bi;
                for (int d = bd.length - 1; d >= 0; d--) {
                    long idx = rem % bd[d];
                    rem /= bd[d];
                    offA += idx * sa[d];
                    offB += idx * sb[d];
                }
                offA *= (long) m * k;
                offB *= (long) k * n;
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) {
                        acc += Mem.get(as, t, offA + (long) i * k + p) * Mem.get(bs, t, offB + (long) p * n + j);
                    }
                    Mem.set(cseg, t, (bi * m + i) * n + j, acc);
                }
            }
        });
    }

    /** Geometry of one NCHW convolution, from the input, weight and output shapes. */
    record ConvGeometry(int n, int c, int h, int w, int oc, int oh, int ow, int kh, int kw, int groups,
                        int sh, int sw, int pt, int pl, int dh, int dw) {
        static ConvGeometry of(Attrs.Conv a, Shape x, Shape w, Shape y) {
            return new ConvGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), y.dim(2), y.dim(3), w.dim(2), w.dim(3),
                    a.groups(), a.strides()[0], a.strides()[1], a.pads()[0], a.pads()[1], a.dilations()[0], a.dilations()[1]);
        }

        int icPerGroup() {
            return c / groups;
        }

        int ocPerGroup() {
            return oc / groups;
        }
    }

    static void conv(Launch l) {
        switch (l.op()) {
            case CONV2D -> convForward(l);
            case CONV2D_DATA_GRAD -> convGradData(l);
            case CONV2D_WEIGHTS_GRAD -> convGradWeights(l);
            default -> throw new IllegalArgumentException(l.op() + " is not a convolution");
        }
    }

    private static void convForward(Launch l) {
        Attrs.Conv a = (Attrs.Conv) l.attrs();
        TensorView x = l.in(0);
        TensorView w = l.in(1);
        TensorView b = l.inputs().size() > 2 ? l.in(2) : null;
        TensorView y = l.out(0);
        ConvGeometry g = ConvGeometry.of(a, x.shape(), w.shape(), y.shape());
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment ws = CpuBackend.seg(w);
        MemorySegment bs = b == null ? null : CpuBackend.seg(b);
        MemorySegment ys = CpuBackend.seg(y);
        DType t = y.dtype();
        Parallel.range((long) g.n() * g.oc(), 1, (from, to) -> {
            for (long r = from; r < to; r++) {
                int ni = (int) (r / g.oc());
                int o = (int) (r % g.oc());
                int grp = o / g.ocPerGroup();
                for (int oy = 0; oy < g.oh(); oy++) {
                    for (int ox = 0; ox < g.ow(); ox++) {
                        double acc = bs == null ? 0 : Mem.get(bs, t, o);
                        for (int ic = 0; ic < g.icPerGroup(); ic++) {
                            int ci = grp * g.icPerGroup() + ic;
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int iy = oy * g.sh() - g.pt() + ky * g.dh();
                                if (iy < 0 || iy >= g.h()) {
                                    continue;
                                }
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int ix = ox * g.sw() - g.pl() + kx * g.dw();
                                    if (ix < 0 || ix >= g.w()) {
                                        continue;
                                    }
                                    acc += Mem.get(xs, t, (((long) ni * g.c() + ci) * g.h() + iy) * g.w() + ix)
                                            * Mem.get(ws, t, (((long) o * g.icPerGroup() + ic) * g.kh() + ky) * g.kw() + kx);
                                }
                            }
                        }
                        Mem.set(ys, t, (((long) ni * g.oc() + o) * g.oh() + oy) * g.ow() + ox, acc);
                    }
                }
            }
        });
    }

    /** dx from dy and w: every output position scatters dy * w back to the inputs it read. */
    private static void convGradData(Launch l) {
        Attrs.ConvGrad a = (Attrs.ConvGrad) l.attrs();
        TensorView dy = l.in(0);
        TensorView w = l.in(1);
        TensorView dx = l.out(0);
        ConvGeometry g = ConvGeometry.of(a.conv(), dx.shape(), w.shape(), dy.shape());
        MemorySegment gs = CpuBackend.seg(dy);
        MemorySegment ws = CpuBackend.seg(w);
        MemorySegment xs = CpuBackend.seg(dx);
        DType t = dx.dtype();
        xs.fill((byte) 0);
        // Parallel over (image, input channel): each task owns its slice of dx, so no races.
        Parallel.range((long) g.n() * g.c(), 1, (from, to) -> {
            for (long r = from; r < to; r++) {
                int ni = (int) (r / g.c());
                int ci = (int) (r % g.c());
                int grp = ci / g.icPerGroup();
                int ic = ci % g.icPerGroup();
                for (int oo = 0; oo < g.ocPerGroup(); oo++) {
                    int o = grp * g.ocPerGroup() + oo;
                    for (int oy = 0; oy < g.oh(); oy++) {
                        for (int ox = 0; ox < g.ow(); ox++) {
                            double gv = Mem.get(gs, t, (((long) ni * g.oc() + o) * g.oh() + oy) * g.ow() + ox);
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int iy = oy * g.sh() - g.pt() + ky * g.dh();
                                if (iy < 0 || iy >= g.h()) {
                                    continue;
                                }
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int ix = ox * g.sw() - g.pl() + kx * g.dw();
                                    if (ix < 0 || ix >= g.w()) {
                                        continue;
                                    }
                                    long xi = (((long) ni * g.c() + ci) * g.h() + iy) * g.w() + ix;
                                    double wv = Mem.get(ws, t, (((long) o * g.icPerGroup() + ic) * g.kh() + ky) * g.kw() + kx);
                                    Mem.set(xs, t, xi, Mem.get(xs, t, xi) + gv * wv);
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** dw from x and dy: each weight sums x * dy over the images and output positions. */
    private static void convGradWeights(Launch l) {
        Attrs.ConvGrad a = (Attrs.ConvGrad) l.attrs();
        TensorView x = l.in(0);
        TensorView dy = l.in(1);
        TensorView dw = l.out(0);
        ConvGeometry g = ConvGeometry.of(a.conv(), x.shape(), dw.shape(), dy.shape());
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment gs = CpuBackend.seg(dy);
        MemorySegment ws = CpuBackend.seg(dw);
        DType t = dw.dtype();
        Parallel.range(g.oc(), 1, (from, to) -> {
            for (long oL = from; oL < to; oL++) {
                int o = (int) oL;
                int grp = o / g.ocPerGroup();
                for (int ic = 0; ic < g.icPerGroup(); ic++) {
                    int ci = grp * g.icPerGroup() + ic;
                    for (int ky = 0; ky < g.kh(); ky++) {
                        for (int kx = 0; kx < g.kw(); kx++) {
                            double acc = 0;
                            for (int ni = 0; ni < g.n(); ni++) {
                                for (int oy = 0; oy < g.oh(); oy++) {
                                    int iy = oy * g.sh() - g.pt() + ky * g.dh();
                                    if (iy < 0 || iy >= g.h()) {
                                        continue;
                                    }
                                    for (int ox = 0; ox < g.ow(); ox++) {
                                        int ix = ox * g.sw() - g.pl() + kx * g.dw();
                                        if (ix < 0 || ix >= g.w()) {
                                            continue;
                                        }
                                        acc += Mem.get(xs, t, (((long) ni * g.c() + ci) * g.h() + iy) * g.w() + ix)
                                                * Mem.get(gs, t, (((long) ni * g.oc() + o) * g.oh() + oy) * g.ow() + ox);
                                    }
                                }
                            }
                            Mem.set(ws, t, (((long) o * g.icPerGroup() + ic) * g.kh() + ky) * g.kw() + kx, acc);
                        }
                    }
                }
            }
        });
    }

    /**
     * Max and average pooling and their gradients (NCHW). Max pooling's gradient goes to the first
     * maximum of each window in scan order, as torch's CPU kernel picks it; average pooling divides
     * by the window area (count_include_pad) or by the in-bounds count.
     */
    static void pool(Launch l) {
        boolean grad = l.op() == Op.MAX_POOL_GRAD || l.op() == Op.AVG_POOL_GRAD;
        boolean max = l.op() == Op.MAX_POOL || l.op() == Op.MAX_POOL_GRAD;
        Attrs.Pool p = grad ? ((Attrs.PoolGrad) l.attrs()).pool() : (Attrs.Pool) l.attrs();
        TensorView x = l.in(0);
        Shape xs = x.shape();
        Shape ys = grad ? l.in(1).shape() : l.out(0).shape();
        int h = xs.dim(2);
        int w = xs.dim(3);
        int oh = ys.dim(2);
        int ow = ys.dim(3);
        MemorySegment xm = CpuBackend.seg(x);
        MemorySegment gm = grad ? CpuBackend.seg(l.in(1)) : null;
        MemorySegment om = CpuBackend.seg(l.out(0));
        DType t = x.dtype();
        if (grad) {
            om.fill((byte) 0);
        }
        Parallel.range((long) xs.dim(0) * xs.dim(1), 1, (from, to) -> {
            for (long plane = from; plane < to; plane++) {
                long xBase = plane * h * w;
                long yBase = plane * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int y0 = oy * p.strides()[0] - p.pads()[0];
                        int x0 = ox * p.strides()[1] - p.pads()[1];
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        long arg = -1;
                        int inBounds = 0;
                        for (int ky = 0; ky < p.kernel()[0]; ky++) {
                            int iy = y0 + ky;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < p.kernel()[1]; kx++) {
                                int ix = x0 + kx;
                                if (ix < 0 || ix >= w) {
                                    continue;
                                }
                                long i = xBase + (long) iy * w + ix;
                                double v = Mem.get(xm, t, i);
                                inBounds++;
                                if (max) {
                                    if (v > acc || Double.isNaN(v) || arg < 0) {
                                        acc = v;
                                        arg = i;
                                    }
                                } else {
                                    acc += v;
                                }
                            }
                        }
                        long yi = yBase + (long) oy * ow + ox;
                        double divisor = p.countIncludePad() ? (double) p.kernel()[0] * p.kernel()[1] : inBounds;
                        if (!grad) {
                            Mem.set(om, t, yi, max ? acc : acc / divisor);
                        } else if (max) {
                            if (arg >= 0) {
                                Mem.set(om, t, arg, Mem.get(om, t, arg) + Mem.get(gm, t, yi));
                            }
                        } else {
                            double share = Mem.get(gm, t, yi) / divisor;
                            for (int ky = 0; ky < p.kernel()[0]; ky++) {
                                int iy = y0 + ky;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                for (int kx = 0; kx < p.kernel()[1]; kx++) {
                                    int ix = x0 + kx;
                                    if (ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    long i = xBase + (long) iy * w + ix;
                                    Mem.set(om, t, i, Mem.get(om, t, i) + share);
                                }
                            }
                        }
                    }
                }
            }
        });
    }
}
