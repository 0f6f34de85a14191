package dev.genbench.engine.cpu;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.DType;
import dev.genbench.engine.Launch;
import java.lang.foreign.MemorySegment;

/**
 * In-place optimizer updates, written line for line after torch 1.13's single-tensor SGD and
 * Adam/AdamW loops so the order of floating-point operations matches. Stateless and thread-safe.
 */
final class OptimizerKernels {
    private OptimizerKernels() {}

    /** Inputs param, grad, momentumBuffer; param and buffer are updated in place. */
    static void sgd(Launch l) {
        Attrs.SgdStep a = (Attrs.SgdStep) l.attrs();
        MemorySegment p = CpuBackend.seg(l.in(0));
        MemorySegment g = CpuBackend.seg(l.in(1));
        MemorySegment b = CpuBackend.seg(l.in(2));
        DType t = l.in(0).dtype();
        if (t == DType.FP32) {
            sgdF32(a, p, g, b, l.in(0).elementCount());
            return;
        }
        Parallel.range(l.in(0).elementCount(), 1 << 14, (from, to) -> {
            for (long i = from; i < to; i++) {
                double pv = Mem.get(p, t, i);
                double d = Mem.get(g, t, i);
                if (a.weightDecay() != 0) {
                    d = d + a.weightDecay() * pv;
                }
                if (a.momentum() != 0) {
                    double buf = a.first() ? d : a.momentum() * Mem.get(b, t, i) + (1 - a.dampening()) * d;
                    Mem.set(b, t, i, buf);
                    buf = Mem.get(b, t, i); // torch keeps the buffer in the parameter's precision
                    d = a.nesterov() ? d + a.momentum() * buf : buf;
                }
                Mem.set(p, t, i, pv - a.lr() * d);
            }
        });
    }

    /** Floats per chunk of each operand: three chunks stay in the core's L1/L2. */
    private static final int SGD_CHUNK = 1 << 12;

    /**
     * The FP32 SGD loop in float arithmetic, as torch's own FP32 kernel computes it. Chunks of the
     * parameter, gradient and momentum buffer are copied into on-heap arrays and updated there:
     * C2 does not vectorise a loop over native segments it cannot prove distinct, and does over
     * arrays read and written at one index: on 32.5 M parameters alone, 115 ms a step before and
     * 40 ms after. (Inside ResNet-50's training step the profile still shows 84-90 ms, the same as
     * before: there the time goes elsewhere than the arithmetic.) One loop per case, so no loop
     * carries a branch.
     */
    private static void sgdF32(Attrs.SgdStep a, MemorySegment p, MemorySegment g, MemorySegment b, long n) {
        float lr = (float) a.lr();
        float wd = (float) a.weightDecay();
        float mom = (float) a.momentum();
        float damp = (float) (1 - a.dampening());
        boolean momentum = mom != 0f;
        boolean first = a.first();
        boolean nesterov = a.nesterov();
        Parallel.range((n + SGD_CHUNK - 1) / SGD_CHUNK, 16, (from, to) -> {
            float[] pa = new float[SGD_CHUNK];
            float[] ga = new float[SGD_CHUNK];
            float[] ba = new float[SGD_CHUNK];
            for (long c = from; c < to; c++) {
                long off = c * SGD_CHUNK * Float.BYTES;
                int m = (int) Math.min(SGD_CHUNK, n - c * SGD_CHUNK);
                MemorySegment.copy(p, Mem.F32, off, pa, 0, m);
                MemorySegment.copy(g, Mem.F32, off, ga, 0, m);
                if (!momentum) {
                    for (int i = 0; i < m; i++) {
                        pa[i] = pa[i] - lr * (ga[i] + wd * pa[i]);
                    }
                } else if (first) {
                    // torch clones d_p into the fresh buffer, without dampening
                    for (int i = 0; i < m; i++) {
                        float d = ga[i] + wd * pa[i];
                        ba[i] = d;
                        pa[i] = pa[i] - lr * (nesterov ? d + mom * d : d);
                    }
                } else {
                    MemorySegment.copy(b, Mem.F32, off, ba, 0, m);
                    if (nesterov) {
                        for (int i = 0; i < m; i++) {
                            float d = ga[i] + wd * pa[i];
                            float buf = mom * ba[i] + damp * d;
                            ba[i] = buf;
                            pa[i] = pa[i] - lr * (d + mom * buf);
                        }
                    } else {
                        for (int i = 0; i < m; i++) {
                            float d = ga[i] + wd * pa[i];
                            float buf = mom * ba[i] + damp * d;
                            ba[i] = buf;
                            pa[i] = pa[i] - lr * buf;
                        }
                    }
                }
                MemorySegment.copy(pa, 0, p, Mem.F32, off, m);
                if (momentum) {
                    MemorySegment.copy(ba, 0, b, Mem.F32, off, m);
                }
            }
        });
    }

    /** Inputs param, grad, expAvg, expAvgSq; all but grad updated in place. */
    static void adam(Launch l) {
        Attrs.AdamStep a = (Attrs.AdamStep) l.attrs();
        MemorySegment p = CpuBackend.seg(l.in(0));
        MemorySegment g = CpuBackend.seg(l.in(1));
        MemorySegment m = CpuBackend.seg(l.in(2));
        MemorySegment v = CpuBackend.seg(l.in(3));
        DType t = l.in(0).dtype();
        double bc1 = 1 - Math.pow(a.beta1(), a.step());
        double bc2 = 1 - Math.pow(a.beta2(), a.step());
        double stepSize = a.lr() / bc1;
        double bc2Sqrt = Math.sqrt(bc2);
        Parallel.range(l.in(0).elementCount(), 1 << 14, (from, to) -> {
            for (long i = from; i < to; i++) {
                double pv = Mem.get(p, t, i);
                double gv = Mem.get(g, t, i);
                if (a.decoupled()) {
                    pv = pv * (1 - a.lr() * a.weightDecay());
                } else if (a.weightDecay() != 0) {
                    gv = gv + a.weightDecay() * pv;
                }
                double mv = Mem.get(m, t, i);
                mv = a.beta1() * mv + (1 - a.beta1()) * gv;
                Mem.set(m, t, i, mv);
                mv = Mem.get(m, t, i);
                double vv = a.beta2() * Mem.get(v, t, i) + (1 - a.beta2()) * gv * gv;
                Mem.set(v, t, i, vv);
                vv = Mem.get(v, t, i);
                double denom = Math.sqrt(vv) / bc2Sqrt + a.epsilon();
                Mem.set(p, t, i, pv - stepSize * mv / denom);
            }
        });
    }
}
