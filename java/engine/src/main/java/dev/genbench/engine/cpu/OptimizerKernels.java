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

    /** The FP32 SGD loop in float arithmetic, as torch's own FP32 kernel computes it. */
    private static void sgdF32(Attrs.SgdStep a, MemorySegment p, MemorySegment g, MemorySegment b, long n) {
        float lr = (float) a.lr();
        float wd = (float) a.weightDecay();
        float mom = (float) a.momentum();
        float damp = (float) (1 - a.dampening());
        boolean first = a.first();
        boolean nesterov = a.nesterov();
        Parallel.blocks(n, 1 << 14, (start, len) -> {
            MemorySegment pb = Elementwise.slice(p, start, len);
            MemorySegment gb = Elementwise.slice(g, start, len);
            MemorySegment bb = Elementwise.slice(b, start, len);
            for (int i = 0; i < len; i++) {
                float pv = pb.getAtIndex(Mem.F32, i);
                float d = gb.getAtIndex(Mem.F32, i) + wd * pv;
                if (mom != 0f) {
                    float buf = first ? d : mom * bb.getAtIndex(Mem.F32, i) + damp * d;
                    bb.setAtIndex(Mem.F32, i, buf);
                    d = nesterov ? d + mom * buf : buf;
                }
                pb.setAtIndex(Mem.F32, i, pv - lr * d);
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
