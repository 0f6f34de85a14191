package dev.genbench.engine.cpu;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.Launch;
import dev.genbench.engine.Shape;
import dev.genbench.engine.TensorView;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Movement kernels: reshape (a copy), transpose, concat, slice and its gradient, gather and its
 * gradient, expand. All but gather's gradient are one strided copy ({@link #stridedCopy}); they
 * move bytes, so they work for every dtype. Stateless and thread-safe.
 */
final class Movement {
    private Movement() {}

    /**
     * dst[dstBase + sum(i_d * dstStrides[d])] = src[srcBase + sum(i_d * srcStrides[d])] for every
     * index i in {@code dims}. Strides are in elements of {@code elemBytes} bytes.
     */
    static void stridedCopy(MemorySegment src, long srcBase, long[] srcStrides,
                            MemorySegment dst, long dstBase, long[] dstStrides, int[] dims, int elemBytes) {
        int rank = dims.length;
        long total = 1;
        for (int d : dims) {
            total *= d;
        }
        if (total == 0) {
            return;
        }
        int inner = rank == 0 ? 1 : dims[rank - 1];
        long rows = total / inner;
        long si = rank == 0 ? 0 : srcStrides[rank - 1];
        long di = rank == 0 ? 0 : dstStrides[rank - 1];
        Parallel.range(rows, Math.max(1, 16384 / inner), (from, to) -> {
            for (long r = from; r < to; r++) {
                long so = srcBase;
                long dOff = dstBase;
                long rem = r;
                for (int d = rank - 2; d >= 0; d--) {
                    long idx = rem % dims[d];
                    rem /= dims[d];
                    so += idx * srcStrides[d];
                    dOff += idx * dstStrides[d];
                }
                if (si == 1 && di == 1) {
                    MemorySegment.copy(src, so * elemBytes, dst, dOff * elemBytes, (long) inner * elemBytes);
                    continue;
                }
                for (int k = 0; k < inner; k++) {
                    copyElement(src, so + k * si, dst, dOff + k * di, elemBytes);
                }
            }
        });
    }

    private static void copyElement(MemorySegment src, long s, MemorySegment dst, long d, int bytes) {
        switch (bytes) {
            case 8 -> dst.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, d, src.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, s));
            case 4 -> dst.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, d, src.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, s));
            case 2 -> dst.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, d, src.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, s));
            default -> throw new IllegalArgumentException("element size " + bytes);
        }
    }

    /** The same logical elements stored in the output's layout (row-major or channels-last). */
    static void layout(Launch l) {
        TensorView x = l.in(0);
        TensorView y = l.out(0);
        stridedCopy(CpuBackend.seg(x), 0, x.layout().strides(x.shape()), CpuBackend.seg(y), 0, y.layout().strides(y.shape()),
                x.shape().dims(), x.dtype().byteSize());
    }

    static void copy(Launch l) {
        MemorySegment.copy(CpuBackend.seg(l.in(0)), 0, CpuBackend.seg(l.out(0)), 0, l.in(0).buffer().byteSize());
    }

    static void transpose(Launch l) {
        int[] perm = ((Attrs.Transpose) l.attrs()).perm();
        TensorView x = l.in(0);
        TensorView y = l.out(0);
        long[] xs = x.shape().strides();
        long[] src = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            src[i] = xs[perm[i]];
        }
        stridedCopy(CpuBackend.seg(x), 0, src, CpuBackend.seg(y), 0, y.shape().strides(), y.shape().dims(), x.dtype().byteSize());
    }

    static void expand(Launch l) {
        TensorView x = l.in(0);
        TensorView y = l.out(0);
        stridedCopy(CpuBackend.seg(x), 0, x.shape().broadcastStrides(y.shape()), CpuBackend.seg(y), 0,
                y.shape().strides(), y.shape().dims(), x.dtype().byteSize());
    }

    static void concat(Launch l) {
        int axis = ((Attrs.Axis) l.attrs()).axis();
        TensorView y = l.out(0);
        long[] ys = y.shape().strides();
        long offset = 0;
        for (TensorView x : l.inputs()) {
            stridedCopy(CpuBackend.seg(x), 0, x.shape().strides(), CpuBackend.seg(y), offset * ys[axis],
                    ys, x.shape().dims(), x.dtype().byteSize());
            offset += x.shape().dim(axis);
        }
    }

    /** Input offset and per-dimension strides of a slice's elements in the sliced tensor. */
    private static long sliceBase(Attrs.Slice s, long[] strides) {
        long base = 0;
        for (int d = 0; d < strides.length; d++) {
            base += s.starts()[d] * strides[d];
        }
        return base;
    }

    private static long[] sliceStrides(Attrs.Slice s, long[] strides) {
        long[] out = new long[strides.length];
        for (int d = 0; d < strides.length; d++) {
            out[d] = strides[d] * s.steps()[d];
        }
        return out;
    }

    static void slice(Launch l) {
        Attrs.Slice s = (Attrs.Slice) l.attrs();
        TensorView x = l.in(0);
        TensorView y = l.out(0);
        long[] xs = x.shape().strides();
        stridedCopy(CpuBackend.seg(x), sliceBase(s, xs), sliceStrides(s, xs), CpuBackend.seg(y), 0,
                y.shape().strides(), y.shape().dims(), x.dtype().byteSize());
    }

    /** Scatters the slice's gradient into a zeroed tensor of the input's shape. */
    static void sliceGrad(Launch l) {
        Attrs.SliceGrad a = (Attrs.SliceGrad) l.attrs();
        TensorView g = l.in(0);
        TensorView y = l.out(0);
        MemorySegment ys = CpuBackend.seg(y);
        ys.fill((byte) 0);
        long[] strides = y.shape().strides();
        stridedCopy(CpuBackend.seg(g), 0, g.shape().strides(), ys, sliceBase(a.slice(), strides),
                sliceStrides(a.slice(), strides), g.shape().dims(), g.dtype().byteSize());
    }

    /** Gather along an axis with int64 indices (negative ones count from the end, as in ONNX). */
    static void gather(Launch l) {
        int axis = ((Attrs.Axis) l.attrs()).axis();
        TensorView x = l.in(0);
        TensorView idx = l.in(1);
        TensorView y = l.out(0);
        Shape xs = x.shape();
        int n = xs.dim(axis);
        long inner = xs.strides()[axis];
        long outer = xs.elementCount() / Math.max(1, (long) n * inner);
        long count = idx.elementCount();
        MemorySegment is = CpuBackend.seg(idx);
        MemorySegment src = CpuBackend.seg(x);
        MemorySegment dst = CpuBackend.seg(y);
        int bytes = x.dtype().byteSize();
        for (long o = 0; o < outer; o++) {
            for (long j = 0; j < count; j++) {
                long k = index(is, j, n);
                MemorySegment.copy(src, ((o * n + k) * inner) * bytes, dst, ((o * count + j) * inner) * bytes, inner * bytes);
            }
        }
    }

    /** Gradient of gather: scatter-add of g into zeros of the input's shape (repeated indices add up). */
    static void gatherGrad(Launch l) {
        Attrs.GatherGrad a = (Attrs.GatherGrad) l.attrs();
        TensorView g = l.in(0);
        TensorView idx = l.in(1);
        TensorView y = l.out(0);
        Shape xs = a.inputShape();
        int axis = a.axis();
        int n = xs.dim(axis);
        long inner = xs.strides()[axis];
        long outer = xs.elementCount() / Math.max(1, (long) n * inner);
        long count = idx.elementCount();
        MemorySegment is = CpuBackend.seg(idx);
        MemorySegment gs = CpuBackend.seg(g);
        MemorySegment ys = CpuBackend.seg(y);
        ys.fill((byte) 0);
        var t = g.dtype();
        for (long o = 0; o < outer; o++) {
            for (long j = 0; j < count; j++) {
                long k = index(is, j, n);
                long dst = (o * n + k) * inner;
                long src = (o * count + j) * inner;
                for (long e = 0; e < inner; e++) {
                    Mem.set(ys, t, dst + e, Mem.get(ys, t, dst + e) + Mem.get(gs, t, src + e));
                }
            }
        }
    }

    private static long index(MemorySegment is, long j, int n) {
        long k = is.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, j);
        if (k < 0) {
            k += n;
        }
        if (k < 0 || k >= n) {
            throw new IndexOutOfBoundsException("gather index " + is.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, j) + " is out of range for a dimension of " + n);
        }
        return k;
    }
}
