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

    /** Where an element with logical row-major index {@code i} of a 4-d shape lies in channels-last memory. */
    public static long channelsLastOffset(Shape s, long i) {
        long c = s.dim(1);
        long h = s.dim(2);
        long w = s.dim(3);
        long x = i % w;
        long y = (i / w) % h;
        long ch = (i / (w * h)) % c;
        long n = i / (w * h * c);
        return ((n * h + y) * w + x) * c + ch;
    }
}
