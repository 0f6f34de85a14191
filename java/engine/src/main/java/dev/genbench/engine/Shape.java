package dev.genbench.engine;

import java.util.Arrays;

/**
 * An immutable tensor shape (row-major, outermost dimension first). A rank-0 shape is a scalar
 * with one element. Immutable and thread-safe.
 */
public record Shape(int[] dims) {

    public Shape {
        dims = dims.clone();
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
        }
    }

    public static Shape of(int... dims) {
        return new Shape(dims);
    }

    public static Shape of(long... dims) {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = Math.toIntExact(dims[i]);
        }
        return new Shape(out);
    }

    public static final Shape SCALAR = new Shape(new int[0]);

    public int rank() {
        return dims.length;
    }

    /** Dimension {@code axis}; a negative axis counts from the end, as in ONNX. */
    public int dim(int axis) {
        return dims[normaliseAxis(axis)];
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    public long[] longDims() {
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i];
        }
        return out;
    }

    public long elementCount() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Row-major strides in elements. */
    public long[] strides() {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    public int normaliseAxis(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
        }
        return a;
    }

    /** The numpy/ONNX broadcast of two shapes, or an error naming both. */
    public static Shape broadcast(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.rank()) >= 0 ? a.dims[i - (rank - a.rank())] : 1;
            int db = i - (rank - b.rank()) >= 0 ? b.dims[i - (rank - b.rank())] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    /**
     * Strides (in elements) to read a tensor of this shape as if it had shape {@code target}:
     * broadcast dimensions get stride 0. {@code target} must be a broadcast of this shape.
     */
    public long[] broadcastStrides(Shape target) {
        long[] own = strides();
        long[] out = new long[target.rank()];
        int offset = target.rank() - rank();
        if (offset < 0) {
            throw new IllegalArgumentException("cannot broadcast " + this + " to " + target);
        }
        for (int i = 0; i < rank(); i++) {
            int t = target.dims[i + offset];
            if (dims[i] == t) {
                out[i + offset] = own[i];
            } else if (dims[i] == 1) {
                out[i + offset] = 0;
            } else {
                throw new IllegalArgumentException("cannot broadcast " + this + " to " + target);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
