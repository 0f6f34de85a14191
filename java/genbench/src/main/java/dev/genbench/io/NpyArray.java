package dev.genbench.io;

import java.util.Arrays;

/**
 * An n-dimensional array as NumPy stores it in a {@code .npy} file: flat data in C order, a shape and a
 * little-endian dtype. The records own their arrays and do not copy them.
 */
public sealed interface NpyArray
        permits NpyArray.Float32, NpyArray.Float64, NpyArray.Int32, NpyArray.Int64, NpyArray.Bool, NpyArray.Unicode {

    /** The dimensions, outermost first; empty for a scalar. */
    int[] shape();

    /** NumPy's dtype string, such as {@code <f4} or {@code <U12}. */
    String descr();

    /** Bytes per element. */
    int itemSize();

    /** Number of elements: the product of the shape. */
    default long size() {
        return count(shape());
    }

    static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    private static int[] checked(int[] shape, int length) {
        if (count(shape) != length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + count(shape) + " elements, data has " + length);
        }
        return shape.clone();
    }

    static Float32 of(float[] data) {
        return new Float32(data, new int[] {data.length});
    }

    static Float64 of(double[] data) {
        return new Float64(data, new int[] {data.length});
    }

    static Int64 of(long[] data) {
        return new Int64(data, new int[] {data.length});
    }

    /** A 1-D unicode array, as wide as its longest string. */
    static Unicode of(String... data) {
        return new Unicode(data, new int[] {data.length});
    }

    record Float32(float[] data, int[] shape) implements NpyArray {
        public Float32 {
            shape = checked(shape, data.length);
        }

        public String descr() {
            return "<f4";
        }

        public int itemSize() {
            return 4;
        }
    }

    record Float64(double[] data, int[] shape) implements NpyArray {
        public Float64 {
            shape = checked(shape, data.length);
        }

        public String descr() {
            return "<f8";
        }

        public int itemSize() {
            return 8;
        }
    }

    record Int32(int[] data, int[] shape) implements NpyArray {
        public Int32 {
            shape = checked(shape, data.length);
        }

        public String descr() {
            return "<i4";
        }

        public int itemSize() {
            return 4;
        }
    }

    record Int64(long[] data, int[] shape) implements NpyArray {
        public Int64 {
            shape = checked(shape, data.length);
        }

        public String descr() {
            return "<i8";
        }

        public int itemSize() {
            return 8;
        }
    }

    record Bool(boolean[] data, int[] shape) implements NpyArray {
        public Bool {
            shape = checked(shape, data.length);
        }

        public String descr() {
            return "|b1";
        }

        public int itemSize() {
            return 1;
        }
    }

    /**
     * Strings stored as NumPy's {@code <U} dtype: each element is {@code width} UTF-32 code units, padded
     * with zeros. NumPy drops trailing NUL characters when it reads them back, so strings ending in
     * U+0000 do not survive a round trip.
     *
     * @param width code points per element; at least the longest string (NumPy itself never makes it 0)
     */
    record Unicode(String[] data, int[] shape, int width) implements NpyArray {
        public Unicode {
            shape = checked(shape, data.length);
            int longest = 0;
            for (String s : data) {
                longest = Math.max(longest, s.codePointCount(0, s.length()));
            }
            if (width < longest) {
                throw new IllegalArgumentException("width " + width + " is shorter than the longest string ("
                        + longest + " code points)");
            }
        }

        /** As wide as the longest string, as {@code numpy.array(list_of_str)} makes it. */
        public Unicode(String[] data, int[] shape) {
            this(data, shape, longestCodePoints(data));
        }

        private static int longestCodePoints(String[] data) {
            int longest = 1;
            for (String s : data) {
                longest = Math.max(longest, s.codePointCount(0, s.length()));
            }
            return longest;
        }

        public String descr() {
            return "<U" + width;
        }

        public int itemSize() {
            return 4 * width;
        }
    }
}
