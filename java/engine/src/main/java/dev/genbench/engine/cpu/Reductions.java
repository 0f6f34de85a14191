package dev.genbench.engine.cpu;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.DType;
import dev.genbench.engine.Launch;
import dev.genbench.engine.Op;
import dev.genbench.engine.Shape;
import dev.genbench.engine.TensorView;
import java.lang.foreign.MemorySegment;

/** Reductions (sum, mean, max and max's gradient) and softmax. Stateless and thread-safe. */
final class Reductions {
    private Reductions() {}

    /**
     * How one reduction walks its input: for output element o (in the keep-dims shape), the input
     * elements are at {@code base(o) + offsets[j]}. Sum accumulates in double for both dtypes.
     */
    private record Plan(Shape in, int[] keptDims, long[] keptStrides, long[] offsets, long outCount) {

        static Plan of(Shape in, int[] axes) {
            boolean[] reduced = new boolean[in.rank()];
            for (int a : axes) {
                reduced[a] = true;
            }
            long[] strides = in.strides();
            int kept = 0;
            long redCount = 1;
            for (int d = 0; d < in.rank(); d++) {
                if (reduced[d]) {
                    redCount *= in.dim(d);
                } else {
                    kept++;
                }
            }
            int[] keptDims = new int[kept];
            long[] keptStrides = new long[kept];
            long outCount = 1;
            int k = 0;
            for (int d = 0; d < in.rank(); d++) {
                if (!reduced[d]) {
                    keptDims[k] = in.dim(d);
                    keptStrides[k++] = strides[d];
                    outCount *= in.dim(d);
                }
            }
            long[] offsets = new long[Math.toIntExact(redCount)];
            int[] idx = new int[in.rank()];
            for (int j = 0; j < offsets.length; j++) {
                long off = 0;
                for (int d = 0; d < in.rank(); d++) {
                    if (reduced[d]) {
                        off += idx[d] * strides[d];
                    }
                }
                offsets[j] = off;
                for (int d = in.rank() - 1; d >= 0; d--) {
                    if (!reduced[d]) {
                        continue;
                    }
                    if (++idx[d] < in.dim(d)) {
                        break;
                    }
                    idx[d] = 0;
                }
            }
            return new Plan(in, keptDims, keptStrides, offsets, outCount);
        }

        long base(long o) {
            long off = 0;
            long rem = o;
            for (int d = keptDims.length - 1; d >= 0; d--) {
                off += (rem % keptDims[d]) * keptStrides[d];
                rem /= keptDims[d];
            }
            return off;
        }
    }

    static void reduce(Launch l) {
        Attrs.Reduce a = (Attrs.Reduce) l.attrs();
        TensorView x = l.in(0);
        Plan p = Plan.of(x.shape(), a.axes());
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment ys = CpuBackend.seg(l.out(0));
        DType t = x.dtype();
        Op op = l.op();
        long[] offs = p.offsets();
        Parallel.range(p.outCount(), Math.max(1, 4096 / Math.max(1, offs.length)), (from, to) -> {
            for (long o = from; o < to; o++) {
                long base = p.base(o);
                double acc = op == Op.REDUCE_MAX ? Double.NEGATIVE_INFINITY : 0;
                for (long off : offs) {
                    double v = Mem.get(xs, t, base + off);
                    if (op == Op.REDUCE_MAX) {
                        // NaN wins, as in torch.
                        acc = (v > acc || Double.isNaN(v)) ? v : acc;
                    } else {
                        acc += v;
                    }
                }
                if (op == Op.REDUCE_MEAN) {
                    acc /= offs.length;
                }
                Mem.set(ys, t, o, acc);
            }
        });
    }

    /**
     * Gradient of max: inputs x, y = max (any shape with y's element count), g like y. The
     * gradient is split evenly between tied maxima, as torch's amax does.
     */
    static void reduceMaxGrad(Launch l) {
        Attrs.Reduce a = (Attrs.Reduce) l.attrs();
        TensorView x = l.in(0);
        Plan p = Plan.of(x.shape(), a.axes());
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment ys = CpuBackend.seg(l.in(1));
        MemorySegment gs = CpuBackend.seg(l.in(2));
        MemorySegment os = CpuBackend.seg(l.out(0));
        DType t = x.dtype();
        long[] offs = p.offsets();
        Parallel.range(p.outCount(), Math.max(1, 4096 / Math.max(1, offs.length)), (from, to) -> {
            for (long o = from; o < to; o++) {
                long base = p.base(o);
                double m = Mem.get(ys, t, o);
                int ties = 0;
                for (long off : offs) {
                    if (Mem.get(xs, t, base + off) == m) {
                        ties++;
                    }
                }
                double share = ties == 0 ? 0 : Mem.get(gs, t, o) / ties;
                for (long off : offs) {
                    Mem.set(os, t, base + off, Mem.get(xs, t, base + off) == m ? share : 0);
                }
            }
        });
    }

    static void softmax(Launch l) {
        int axis = ((Attrs.Axis) l.attrs()).axis();
        TensorView x = l.in(0);
        Shape s = x.shape();
        int n = s.dim(axis);
        long inner = s.strides()[axis];
        long outer = s.elementCount() / Math.max(1, n * inner);
        MemorySegment xs = CpuBackend.seg(x);
        MemorySegment ys = CpuBackend.seg(l.out(0));
        DType t = x.dtype();
        Parallel.range(outer * inner, Math.max(1, 4096 / Math.max(1, n)), (from, to) -> {
            for (long r = from; r < to; r++) {
                long base = (r / inner) * n * inner + (r % inner);
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    max = Math.max(max, Mem.get(xs, t, base + k * inner));
                }
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    double e = Math.exp(Mem.get(xs, t, base + k * inner) - max);
                    Mem.set(ys, t, base + k * inner, e);
                    sum += e;
                }
                for (int k = 0; k < n; k++) {
                    long i = base + k * inner;
                    Mem.set(ys, t, i, Mem.get(ys, t, i) / sum);
                }
            }
        });
    }
}
