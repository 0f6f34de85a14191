package dev.genbench.engine;

import java.util.Arrays;

/**
 * Attributes of an op, one record type per kind of op. Arrays are defensively copied on entry;
 * callers must not mutate what the accessors return.
 */
public sealed interface Attrs {

    /** Ops without attributes. */
    record None() implements Attrs {}

    None NONE = new None();

    /** Clip's bounds (also ReLU6 as clip(0, 6)). */
    record Clip(double min, double max) implements Attrs {}

    /** Reductions over {@code axes} (normalised, ascending). */
    record Reduce(int[] axes, boolean keepDims) implements Attrs {
        public Reduce {
            axes = axes.clone();
            Arrays.sort(axes);
        }
    }

    /** Reshape or expand target. */
    record ToShape(Shape shape) implements Attrs {}

    /** The memory layout a {@link Op#LAYOUT} conversion writes. */
    record ToLayout(Layout layout) implements Attrs {}

    /** Transpose permutation: output dim i is input dim perm[i]. */
    record Transpose(int[] perm) implements Attrs {
        public Transpose {
            perm = perm.clone();
        }
    }

    /** An axis (concat, softmax, gather), normalised to be non-negative. */
    record Axis(int axis) implements Attrs {}

    /** Gather's backward: the axis and the shape of the gathered-from input. */
    record GatherGrad(int axis, Shape inputShape) implements Attrs {}

    /** Slice with one start/step per dimension of the input (full rank, normalised). */
    record Slice(int[] starts, int[] steps) implements Attrs {
        public Slice {
            starts = starts.clone();
            steps = steps.clone();
        }
    }

    /** Slice's backward: the slice and the input's shape (the gradient's shape). */
    record SliceGrad(Slice slice, Shape inputShape) implements Attrs {}

    /** A 2-d convolution; pads are (top, left, bottom, right). */
    record Conv(int[] strides, int[] pads, int[] dilations, int groups) implements Attrs {
        public Conv {
            strides = strides.clone();
            pads = pads.clone();
            dilations = dilations.clone();
            if (strides.length != 2 || pads.length != 4 || dilations.length != 2 || groups < 1) {
                throw new IllegalArgumentException("conv2d needs 2 strides, 4 pads, 2 dilations and groups >= 1");
            }
        }
    }

    /** A convolution's backward (data or weights); {@code shape} is the shape of the result. */
    record ConvGrad(Conv conv, Shape shape) implements Attrs {}

    /** 2-d max or average pooling; pads are (top, left, bottom, right). */
    record Pool(int[] kernel, int[] strides, int[] pads, boolean countIncludePad) implements Attrs {
        public Pool {
            kernel = kernel.clone();
            strides = strides.clone();
            pads = pads.clone();
        }
    }

    /** Pooling's backward; {@code inputShape} is the shape of the result. */
    record PoolGrad(Pool pool, Shape inputShape) implements Attrs {}

    /**
     * Batch normalisation; {@code training} selects batch statistics and running-stat updates. The
     * output is clipped to [{@code clipMin}, {@code clipMax}]: a ReLU or ReLU6 fused into the same
     * pass ({@link Ops#batchNormActivation}); infinite bounds (the three-argument form) clip nothing.
     */
    record BatchNorm(double epsilon, double momentum, boolean training, double clipMin, double clipMax) implements Attrs {
        public BatchNorm(double epsilon, double momentum, boolean training) {
            this(epsilon, momentum, training, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        }

        /** Whether an activation is fused (some bound is finite). */
        public boolean clips() {
            return clipMin != Double.NEGATIVE_INFINITY || clipMax != Double.POSITIVE_INFINITY;
        }
    }

    /** Layer normalisation over dims {@code axis..rank-1}. */
    record LayerNorm(int axis, double epsilon) implements Attrs {}

    /** Elementwise derivative of {@code forward} (with its clip bounds where it has any). */
    record ActGrad(Op forward, double min, double max) implements Attrs {}

    /** Cast to {@code to}. */
    record Cast(DType to) implements Attrs {}

    /** BCE with logits: mean over elements, or no reduction. */
    record Bce(boolean mean) implements Attrs {}

    /**
     * One SGD update with torch's semantics; {@code first} marks the step that initialises the
     * momentum buffer to the gradient (torch clones d_p there, without dampening).
     */
    record SgdStep(double lr, double momentum, double dampening, boolean nesterov, double weightDecay, boolean first) implements Attrs {}

    /**
     * One Adam/AdamW update with torch's semantics at 1-based step {@code step}; {@code decoupled}
     * selects AdamW's weight decay (param *= 1 - lr * wd) over Adam's L2 term (grad += wd * param).
     */
    record AdamStep(double lr, double beta1, double beta2, double epsilon, double weightDecay, boolean decoupled, long step) implements Attrs {}

    /**
     * Inverted dropout: each element is kept with probability 1 - p and scaled by 1/(1 - p). The
     * mask is a pure function of (seed, element index), so it does not depend on threading.
     */
    record Dropout(double p, long seed) implements Attrs {
        public Dropout {
            if (!(p >= 0 && p < 1)) {
                throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
            }
        }
    }
}
