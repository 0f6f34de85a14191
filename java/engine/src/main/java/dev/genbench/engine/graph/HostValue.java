package dev.genbench.engine.graph;

import dev.genbench.engine.Backend;
import dev.genbench.engine.DType;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import java.util.Arrays;

/**
 * A small constant held on the host: an ONNX initializer or Constant of integer type, or the result
 * of shape arithmetic (Shape, Gather, Unsqueeze, Concat, ...) that the graph folds instead of
 * launching kernels. Values are kept as longs for INT64 and as doubles for float types.
 * Immutable and thread-safe.
 */
public record HostValue(DType dtype, Shape shape, long[] ints, double[] floats) {

    public HostValue {
        long n = shape.elementCount();
        if (dtype == DType.INT64 ? ints == null || ints.length != n : floats == null || floats.length != n) {
            throw new IllegalArgumentException("host value of " + dtype + shape + " has the wrong number of elements");
        }
        ints = ints == null ? null : ints.clone();
        floats = floats == null ? null : floats.clone();
    }

    public static HostValue ofLongs(Shape shape, long... values) {
        return new HostValue(DType.INT64, shape, values, null);
    }

    public static HostValue ofDoubles(DType dtype, Shape shape, double... values) {
        return new HostValue(dtype, shape, null, values);
    }

    public long elementCount() {
        return shape.elementCount();
    }

    public boolean isInt() {
        return dtype == DType.INT64;
    }

    public long longAt(int i) {
        return isInt() ? ints[i] : (long) floats[i];
    }

    public double doubleAt(int i) {
        return isInt() ? ints[i] : floats[i];
    }

    public long[] longs() {
        long[] out = new long[Math.toIntExact(elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = longAt(i);
        }
        return out;
    }

    public double[] doubles() {
        double[] out = new double[Math.toIntExact(elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = doubleAt(i);
        }
        return out;
    }

    /** This value as a tensor of {@code as} on {@code backend}, in the current scope. */
    public Tensor toTensor(Backend backend, DType as) {
        if (as == DType.INT64) {
            return Tensor.ofLongs(backend, shape, longs());
        }
        return Tensor.of(backend, as, shape, doubles());
    }

    public HostValue withShape(Shape s) {
        return new HostValue(dtype, s, ints, floats);
    }

    public HostValue cast(DType to) {
        if (to == DType.INT64) {
            return ofLongs(shape, longs());
        }
        return ofDoubles(to, shape, doubles());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostValue h && h.dtype == dtype && h.shape.equals(shape)
                && Arrays.equals(h.ints, ints) && Arrays.equals(h.floats, floats);
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + Arrays.hashCode(ints) + Arrays.hashCode(floats);
    }

    @Override
    public String toString() {
        return dtype.toString() + shape + (isInt() ? Arrays.toString(ints) : Arrays.toString(floats));
    }
}
