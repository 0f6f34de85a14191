package dev.genbench.engine.cpu;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.DType;
import dev.genbench.engine.Launch;
import dev.genbench.engine.Op;
import dev.genbench.engine.Shape;
import dev.genbench.engine.TensorView;
import java.lang.foreign.MemorySegment;

/**
 * Elementwise kernels: unary functions, their derivatives, broadcasting binary ops, casts and the
 * BCE-with-logits loss. Each loop is also its own scalar reference (there is no faster path for
 * these on the CPU backend yet). Stateless and thread-safe.
 */
final class Elementwise {
    private Elementwise() {}

    private static final long GRAIN = 1 << 14;

    static void unary(Launch l) {
        TensorView x = l.in(0);
        TensorView y = l.out(0);
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment ys = CpuBackend.seg(y);
        DType t = x.dtype();
        Op op = l.op();
        double lo = l.attrs() instanceof Attrs.Clip c ? c.min() : 0;
        double hi = l.attrs() instanceof Attrs.Clip c ? c.max() : 0;
        if (t == DType.FP32 && (op == Op.RELU || op == Op.CLIP)) {
            // The hot activations of CNNs: float loops the JIT vectorises.
            float flo = op == Op.RELU ? 0f : (float) lo;
            float fhi = op == Op.RELU ? Float.POSITIVE_INFINITY : (float) hi;
            Parallel.blocks(x.elementCount(), GRAIN, (start, len) -> {
                MemorySegment xb = slice(xs, start, len);
                MemorySegment yb = slice(ys, start, len);
                for (int i = 0; i < len; i++) {
                    float v = xb.getAtIndex(Mem.F32, i);
                    yb.setAtIndex(Mem.F32, i, v < flo ? flo : (v > fhi ? fhi : v));
                }
            });
            return;
        }
        Parallel.range(x.elementCount(), GRAIN, (from, to) -> {
            for (long i = from; i < to; i++) {
                Mem.set(ys, t, i, apply(op, Mem.get(xs, t, i), lo, hi));
            }
        });
    }

    static double apply(Op op, double v, double lo, double hi) {
        return switch (op) {
            case NEG -> -v;
            case EXP -> Math.exp(v);
            case LOG -> Math.log(v);
            case SQRT -> Math.sqrt(v);
            case RELU -> v > 0 ? v : 0;
            case CLIP -> v < lo ? lo : (v > hi ? hi : v);
            case SIGMOID -> sigmoid(v);
            case TANH -> Math.tanh(v);
            case ERF -> erf(v);
            case GELU -> 0.5 * v * (1 + erf(v / Math.sqrt(2)));
            default -> throw new IllegalArgumentException(op + " is not a unary elementwise op");
        };
    }

    /**
     * Derivative of a unary op at x, where y = f(x). Uses y where that is cheaper and as exact
     * (sigmoid, tanh). Clip passes the gradient inside [min, max] only, like torch's hardtanh.
     */
    static double derivative(Op op, double x, double lo, double hi) {
        return switch (op) {
            case RELU -> x > 0 ? 1 : 0;
            case CLIP -> x > lo && x < hi ? 1 : 0;
            case SIGMOID -> {
                double s = sigmoid(x);
                yield s * (1 - s);
            }
            case TANH -> {
                double t = Math.tanh(x);
                yield 1 - t * t;
            }
            case ERF -> 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);
            case GELU -> 0.5 * (1 + erf(x / Math.sqrt(2))) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
            default -> throw new IllegalArgumentException("no elementwise derivative kernel for " + op);
        };
    }

    static double sigmoid(double v) {
        // Two branches keep exp's argument non-positive, so neither overflows.
        if (v >= 0) {
            return 1 / (1 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1 + e);
    }

    /**
     * erf to about 1e-16 relative: the Taylor series near zero, a continued fraction for erfc in
     * the tails. Java has no erf; torch's is the C library's.
     */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 2.5) {
            // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
            double sum = 0;
            double term = ax;
            double x2 = ax * ax;
            for (int n = 0; n < 200; n++) {
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
                term *= -x2 / (n + 1);
            }
            double r = 2 / Math.sqrt(Math.PI) * sum;
            return x < 0 ? -r : r;
        }
        if (ax > 6.5) {
            return x < 0 ? -1 : 1;
        }
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated bottom-up.
        double f = ax;
        for (int k = 60; k >= 1; k--) {
            f = ax + (k / 2.0) / f;
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        double r = 1 - erfc;
        return x < 0 ? -r : r;
    }

    static void actGrad(Launch l) {
        // inputs: x (the forward input), g (gradient of the output); output: g * f'(x)
        Attrs.ActGrad a = (Attrs.ActGrad) l.attrs();
        TensorView x = l.in(0);
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment gs = CpuBackend.seg(l.in(1));
        MemorySegment os = CpuBackend.seg(l.out(0));
        DType t = x.dtype();
        if (t == DType.FP32 && (a.forward() == Op.RELU || a.forward() == Op.CLIP)) {
            float lo = a.forward() == Op.RELU ? 0f : (float) a.min();
            float hi = a.forward() == Op.RELU ? Float.POSITIVE_INFINITY : (float) a.max();
            Parallel.blocks(x.elementCount(), GRAIN, (start, len) -> {
                MemorySegment xb = slice(xs, start, len);
                MemorySegment gb = slice(gs, start, len);
                MemorySegment ob = slice(os, start, len);
                for (int i = 0; i < len; i++) {
                    float v = xb.getAtIndex(Mem.F32, i);
                    ob.setAtIndex(Mem.F32, i, v > lo && v < hi ? gb.getAtIndex(Mem.F32, i) : 0f);
                }
            });
            return;
        }
        Parallel.range(x.elementCount(), GRAIN, (from, to) -> {
            for (long i = from; i < to; i++) {
                Mem.set(os, t, i, Mem.get(gs, t, i) * derivative(a.forward(), Mem.get(xs, t, i), a.min(), a.max()));
            }
        });
    }

    /** A binary op whose operands and output all have one shape (and so one flat loop, whatever the layout). */
    static boolean isSameShapeBinary(Launch l) {
        return l.inputs().size() == 2 && l.outputs().size() == 1 && l.in(0).shape().equals(l.out(0).shape())
                && l.in(1).shape().equals(l.out(0).shape()) && l.in(0).layout() == l.in(1).layout()
                && l.in(0).layout() == l.out(0).layout()
                && switch (l.op()) {
                    case ADD, SUB, MUL, DIV, POW -> true;
                    default -> false;
                };
    }

    static void binary(Launch l) {
        TensorView a = l.in(0);
        TensorView b = l.in(1);
        TensorView y = l.out(0);
        Shape out = y.shape();
        long[] sa = a.shape().broadcastStrides(out);
        long[] sb = b.shape().broadcastStrides(out);
        MemorySegment as = CpuBackend.seg(a);
        MemorySegment bs = CpuBackend.seg(b);
        MemorySegment ys = CpuBackend.seg(y);
        DType t = y.dtype();
        Op op = l.op();
        int rank = out.rank();
        if (t == DType.FP32 && op != Op.POW && a.shape().equals(out) && b.shape().equals(out)) {
            // Same shapes (residual sums, gradient accumulation): one flat loop, not one per last-axis row.
            Parallel.blocks(out.elementCount(), GRAIN, (start, len) ->
                    binaryF32(op, slice(as, start, len), 0, 1, slice(bs, start, len), 0, 1, slice(ys, start, len), 0, len));
            return;
        }
        int inner = rank == 0 ? 1 : out.dim(rank - 1);
        long rows = inner == 0 ? 0 : out.elementCount() / inner;
        long ia = rank == 0 ? 0 : sa[rank - 1];
        long ib = rank == 0 ? 0 : sb[rank - 1];
        int[] dims = out.dims();
        Parallel.range(rows, Math.max(1, GRAIN / Math.max(1, inner)), (from, to) -> {
            for (long r = from; r < to; r++) {
                // Offsets of row r in a and b: decompose r over the outer dimensions.
                long offA = 0;
                long offB = 0;
                long rem = r;
                for (int d = rank - 2; d >= 0; d--) {
                    long idx = rem % dims[d];
                    rem /= dims[d];
                    offA += idx * sa[d];
                    offB += idx * sb[d];
                }
                long base = r * inner;
                if (t == DType.FP32) {
                    binaryF32(op, as, offA, ia, bs, offB, ib, ys, base, inner);
                    continue;
                }
                for (int k = 0; k < inner; k++) {
                    double va = Mem.get(as, t, offA + k * ia);
                    double vb = Mem.get(bs, t, offB + k * ib);
                    double v = switch (op) {
                        case ADD -> va + vb;
                        case SUB -> va - vb;
                        case MUL -> va * vb;
                        case DIV -> va / vb;
                        case POW -> Math.pow(va, vb);
                        default -> throw new IllegalArgumentException(op + " is not a binary op");
                    };
                    Mem.set(ys, t, base + k, v);
                }
            }
        });
    }

    /** Floats {@code [start, start + len)} of a segment, for int-indexed loops (see {@link Parallel#blocks}). */
    static MemorySegment slice(MemorySegment s, long start, int len) {
        return s.asSlice(start * Float.BYTES, (long) len * Float.BYTES);
    }

    /**
     * One FP32 row of a binary op without the double round trip: the op is chosen once per row
     * and each loop is simple enough for the JIT to vectorise. Same results as the generic loop,
     * which rounds the double result to float anyway (pow aside, which stays generic).
     */
    private static void binaryF32(Op op, MemorySegment as, long offA, long ia, MemorySegment bs, long offB, long ib,
                                  MemorySegment ys, long base, int inner) {
        switch (op) {
            case ADD -> {
                for (int k = 0; k < inner; k++) {
                    ys.setAtIndex(Mem.F32, base + k, as.getAtIndex(Mem.F32, offA + k * ia) + bs.getAtIndex(Mem.F32, offB + k * ib));
                }
            }
            case SUB -> {
                for (int k = 0; k < inner; k++) {
                    ys.setAtIndex(Mem.F32, base + k, as.getAtIndex(Mem.F32, offA + k * ia) - bs.getAtIndex(Mem.F32, offB + k * ib));
                }
            }
            case MUL -> {
                for (int k = 0; k < inner; k++) {
                    ys.setAtIndex(Mem.F32, base + k, as.getAtIndex(Mem.F32, offA + k * ia) * bs.getAtIndex(Mem.F32, offB + k * ib));
                }
            }
            case DIV -> {
                for (int k = 0; k < inner; k++) {
                    ys.setAtIndex(Mem.F32, base + k, as.getAtIndex(Mem.F32, offA + k * ia) / bs.getAtIndex(Mem.F32, offB + k * ib));
                }
            }
            default -> {
                for (int k = 0; k < inner; k++) {
                    ys.setAtIndex(Mem.F32, base + k, (float) Math.pow(as.getAtIndex(Mem.F32, offA + k * ia), bs.getAtIndex(Mem.F32, offB + k * ib)));
                }
            }
        }
    }

    /** Dropout: outputs y = x * mask and the mask; see {@link Attrs.Dropout}. */
    static void dropout(Launch l) {
        Attrs.Dropout a = (Attrs.Dropout) l.attrs();
        TensorView x = l.in(0);
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment ys = CpuBackend.seg(l.out(0));
        MemorySegment ms = CpuBackend.seg(l.out(1));
        DType t = x.dtype();
        double scale = 1 / (1 - a.p());
        Parallel.range(x.elementCount(), GRAIN, (from, to) -> {
            for (long i = from; i < to; i++) {
                double m = uniform(a.seed(), i) >= a.p() ? scale : 0;
                Mem.set(ms, t, i, m);
                Mem.set(ys, t, i, Mem.get(xs, t, i) * m);
            }
        });
    }

    /** A uniform double in [0, 1) from (seed, index): SplitMix64's finaliser over both. */
    static double uniform(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    static void cast(Launch l) {
        TensorView x = l.in(0);
        TensorView y = l.out(0);
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment ys = CpuBackend.seg(y);
        DType from = x.dtype();
        DType to = y.dtype();
        if (from == to) {
            MemorySegment.copy(xs, 0, ys, 0, xs.byteSize());
            return;
        }
        Parallel.range(x.elementCount(), GRAIN, (lo, hi) -> {
            for (long i = lo; i < hi; i++) {
                if (from == DType.INT64 && to == DType.FP64) {
                    ys.setAtIndex(Mem.F64, i, (double) xs.getAtIndex(Mem.I64, i));
                } else {
                    Mem.set(ys, to, i, Mem.get(xs, from, i));
                }
            }
        });
    }

    /**
     * Binary cross-entropy with logits, as torch computes it stably:
     * max(x, 0) - x*t + log(1 + exp(-|x|)); mean over all elements or per element.
     */
    static void bceWithLogits(Launch l) {
        Attrs.Bce a = (Attrs.Bce) l.attrs();
        TensorView x = l.in(0);
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment ts = CpuBackend.seg(l.in(1));
        MemorySegment ys = CpuBackend.seg(l.out(0));
        DType t = x.dtype();
        long n = x.elementCount();
        double sum = 0;
        for (long i = 0; i < n; i++) {
            double v = Mem.get(xs, t, i);
            double target = Mem.get(ts, t, i);
            double loss = Math.max(v, 0) - v * target + Math.log1p(Math.exp(-Math.abs(v)));
            if (a.mean()) {
                sum += loss;
            } else {
                Mem.set(ys, t, i, loss);
            }
        }
        if (a.mean()) {
            Mem.set(ys, t, 0, sum / n);
        }
    }
}
