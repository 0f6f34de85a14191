package dev.genbench.engine;

/**
 * How a tensor's elements lie in memory. Shapes are always logical (NCHW for images); the layout
 * only says in which order the backend stores them. Only rank-4 floating tensors are ever
 * {@link #CHANNELS_LAST}: the layout oneDNN's fastest convolution, batch-norm and pooling kernels
 * read and write (research/ENGINE-ONEDNN.md: NHWC activations select the brgconv kernels), and the
 * one PyTorch's best CPU setup uses. {@link Ops} converts between layouts where an op needs it, as a
 * recorded op, so autodiff sees every conversion.
 */
public enum Layout {
    /** Dense row-major: the last dimension varies fastest (NCHW for images). */
    ROW_MAJOR,
    /** Rank 4, logical [N, C, H, W] stored as [N, H, W, C] (torch's channels_last memory format). */
    CHANNELS_LAST;

    /** Element strides of each logical dimension of {@code s} in memory laid out this way. */
    public long[] strides(Shape s) {
        if (this == CHANNELS_LAST) {
            long c = s.dim(1);
            long w = s.dim(3);
            return new long[] {s.dim(2) * w * c, 1, w * c, c};
        }
        long[] st = new long[s.rank()];
        long acc = 1;
        for (int d = s.rank() - 1; d >= 0; d--) {
            st[d] = acc;
            acc *= s.dim(d);
        }
        return st;
    }

    /** Where the element with logical (row-major) index {@code i} of {@code s} lies, given {@link #strides} of {@code s}. */
    public static long offset(Shape s, long[] strides, long i) {
        long off = 0;
        long rem = i;
        for (int d = s.rank() - 1; d >= 0; d--) {
            off += (rem % s.dim(d)) * strides[d];
            rem /= s.dim(d);
        }
        return off;
    }
}
