package dev.genbench.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The op set as functions on tensors. Each function checks its operands, infers the result's
 * shape and type, allocates it on the operands' backend (in the current {@link TensorScope}),
 * launches the kernel and, when {@link GradMode} is on and an operand requires a gradient, records
 * a {@link Node} for {@link Autograd}. Operands on different backends are an error: the engine
 * never copies between devices behind the caller's back.
 *
 * <p>Stateless; safe to call from several threads on different tensors.
 */
public final class Ops {
    private Ops() {}

    // ---------------------------------------------------------------- dispatch

    /** Runs {@code op} and returns its outputs; {@code differentiable} marks outputs that carry gradients. */
    static Tensor[] apply(Op op, Attrs attrs, Tensor[] inputs, Shape[] outShapes, DType[] outTypes, int differentiable) {
        Backend backend = inputs[0].backend();
        for (Tensor t : inputs) {
            if (t.backend() != backend) {
                throw new IllegalArgumentException(op + ": operand '" + t.name() + "' is on backend " + t.backend().name()
                        + " but '" + inputs[0].name() + "' is on " + backend.name() + "; copy it explicitly");
            }
        }
        inputs = LayoutRules.adapt(op, attrs, inputs);
        boolean record = false;
        for (Tensor t : inputs) {
            record |= t.requiresGrad();
        }
        record &= GradMode.enabled();
        Tensor[] outputs = new Tensor[outShapes.length];
        List<TensorView> ins = new ArrayList<>(inputs.length);
        for (Tensor t : inputs) {
            ins.add(t.view());
        }
        List<TensorView> outs = new ArrayList<>(outputs.length);
        for (int i = 0; i < outputs.length; i++) {
            Layout layout = LayoutRules.output(op, attrs, inputs, i, outShapes[i], outTypes[i]);
            outputs[i] = Tensor.output(backend, outTypes[i], outShapes[i], layout, Tensor.autoName(op),
                    !backend.overwritesOutputs(op, inputs[0].dtype()));
            outs.add(outputs[i].view());
        }
        backend.run(new Launch(op, attrs, ins, outs));
        if (record) {
            Node node = new Node(op, attrs, inputs.clone(), outputs);
            for (int i = 0; i < inputs.length; i++) {
                if (BackwardRules.reads(node, i, false)) {
                    inputs[i].backwardReaders++;
                }
            }
            for (int i = 0; i < outputs.length; i++) {
                if (BackwardRules.reads(node, i, true)) {
                    outputs[i].backwardReaders++;
                }
            }
            for (int i = 0; i < Math.min(differentiable, outputs.length); i++) {
                outputs[i].creator = node;
                outputs[i].requiresGrad(true);
            }
        }
        return outputs;
    }

    static Tensor apply1(Op op, Attrs attrs, Shape shape, DType dtype, Tensor... inputs) {
        return apply(op, attrs, inputs, new Shape[] {shape}, new DType[] {dtype}, 1)[0];
    }

    /** dst += src in place (same shape and type); never recorded. For gradient accumulation. */
    static void addInto(Tensor dst, Tensor src) {
        if (!dst.shape().equals(src.shape()) || dst.dtype() != src.dtype()) {
            throw new IllegalArgumentException("addInto: '" + src.name() + "' " + src.dtype() + src.shape()
                    + " does not match '" + dst.name() + "' " + dst.dtype() + dst.shape());
        }
        try (TensorScope _ = TensorScope.open(); GradMode _ = GradMode.off()) {
            Tensor s = toLayout(src, dst.layout());
            dst.backend().run(new Launch(Op.ADD, Attrs.NONE, List.of(dst.view(), s.view()), List.of(dst.view())));
            if (s != src) {
                s.close();
            }
        }
    }

    /**
     * {@code x} with its elements stored in {@code layout} (itself when already so, or when
     * channels-last is asked of a tensor that is not rank 4). Recorded like any op, so the gradient
     * is converted back.
     */
    public static Tensor toLayout(Tensor x, Layout layout) {
        if (x.layout() == layout || (layout == Layout.CHANNELS_LAST && x.shape().rank() != 4)) {
            return x;
        }
        return apply1(Op.LAYOUT, new Attrs.ToLayout(layout), x.shape(), x.dtype(), x);
    }

    /** dst *= factor in place; never recorded. For gradient clipping. */
    public static void scaleInto(Tensor dst, double factor) {
        try (TensorScope _ = TensorScope.open()) {
            Tensor f = scalar(dst, factor);
            dst.backend().run(new Launch(Op.MUL, Attrs.NONE, List.of(dst.view(), f.view()), List.of(dst.view())));
        }
    }

    /** Runs an in-place kernel (optimizer updates) on the operands' backend; never recorded. */
    public static void runInPlace(Op op, Attrs attrs, Tensor... operands) {
        List<TensorView> views = new ArrayList<>();
        for (Tensor t : operands) {
            if (t.backend() != operands[0].backend()) {
                throw new IllegalArgumentException(op + ": '" + t.name() + "' is on another backend than '" + operands[0].name() + "'");
            }
            views.add(t.view());
        }
        operands[0].backend().run(new Launch(op, attrs, views, List.of()));
    }

    private static DType floatType(Op op, Tensor t) {
        if (!t.dtype().isComputeFloat()) {
            throw new IllegalArgumentException(op + " computes in FP32 or FP64; '" + t.name() + "' is " + t.dtype() + " (cast it first)");
        }
        return t.dtype();
    }

    private static void sameType(Op op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": '" + a.name() + "' is " + a.dtype() + " but '" + b.name() + "' is " + b.dtype());
        }
    }

    // ---------------------------------------------------------------- elementwise

    private static Tensor binary(Op op, Tensor a, Tensor b) {
        floatType(op, a);
        sameType(op, a, b);
        return apply1(op, Attrs.NONE, Shape.broadcast(a.shape(), b.shape()), a.dtype(), a, b);
    }

    public static Tensor add(Tensor a, Tensor b) {
        return binary(Op.ADD, a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return binary(Op.SUB, a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return binary(Op.MUL, a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        return binary(Op.DIV, a, b);
    }

    public static Tensor pow(Tensor a, Tensor b) {
        return binary(Op.POW, a, b);
    }

    private static Tensor unary(Op op, Attrs attrs, Tensor x) {
        return apply1(op, attrs, x.shape(), floatType(op, x), x);
    }

    public static Tensor neg(Tensor x) {
        return unary(Op.NEG, Attrs.NONE, x);
    }

    public static Tensor exp(Tensor x) {
        return unary(Op.EXP, Attrs.NONE, x);
    }

    public static Tensor log(Tensor x) {
        return unary(Op.LOG, Attrs.NONE, x);
    }

    public static Tensor sqrt(Tensor x) {
        return unary(Op.SQRT, Attrs.NONE, x);
    }

    public static Tensor relu(Tensor x) {
        return unary(Op.RELU, Attrs.NONE, x);
    }

    public static Tensor clip(Tensor x, double min, double max) {
        return unary(Op.CLIP, new Attrs.Clip(min, max), x);
    }

    /** ReLU6, MobileNetV2's activation: clip(x, 0, 6). */
    public static Tensor relu6(Tensor x) {
        return clip(x, 0, 6);
    }

    public static Tensor sigmoid(Tensor x) {
        return unary(Op.SIGMOID, Attrs.NONE, x);
    }

    public static Tensor tanh(Tensor x) {
        return unary(Op.TANH, Attrs.NONE, x);
    }

    public static Tensor erf(Tensor x) {
        return unary(Op.ERF, Attrs.NONE, x);
    }

    /** Exact (erf-based) GELU, as torch's default and ViT use. */
    public static Tensor gelu(Tensor x) {
        return unary(Op.GELU, Attrs.NONE, x);
    }

    public static Tensor cast(Tensor x, DType to) {
        return apply1(Op.CAST, new Attrs.Cast(to), x.shape(), to, x);
    }

    /** A scalar (rank-0) constant of {@code like}'s type on its backend. */
    public static Tensor scalar(Tensor like, double value) {
        Tensor t = Tensor.zeros(like.backend(), like.dtype(), Shape.SCALAR, null);
        t.copyFrom(new double[] {value});
        return t;
    }

    // ---------------------------------------------------------------- reductions

    private static Shape reducedShape(Shape s, int[] axes, boolean keepDims) {
        boolean[] r = new boolean[s.rank()];
        for (int a : axes) {
            r[a] = true;
        }
        List<Integer> out = new ArrayList<>();
        for (int d = 0; d < s.rank(); d++) {
            if (!r[d]) {
                out.add(s.dim(d));
            } else if (keepDims) {
                out.add(1);
            }
        }
        return Shape.of(out.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int[] normaliseAxes(Shape s, int... axes) {
        if (axes.length == 0) {
            int[] all = new int[s.rank()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = s.normaliseAxis(axes[i]);
        }
        return Arrays.stream(out).distinct().sorted().toArray();
    }

    private static Tensor reduce(Op op, Tensor x, boolean keepDims, int... axes) {
        Attrs.Reduce a = new Attrs.Reduce(normaliseAxes(x.shape(), axes), keepDims);
        return apply1(op, a, reducedShape(x.shape(), a.axes(), keepDims), floatType(op, x), x);
    }

    /** Sum over {@code axes} (all axes when none are given). */
    public static Tensor sum(Tensor x, boolean keepDims, int... axes) {
        return reduce(Op.REDUCE_SUM, x, keepDims, axes);
    }

    public static Tensor mean(Tensor x, boolean keepDims, int... axes) {
        return reduce(Op.REDUCE_MEAN, x, keepDims, axes);
    }

    public static Tensor max(Tensor x, boolean keepDims, int... axes) {
        return reduce(Op.REDUCE_MAX, x, keepDims, axes);
    }

    /** Global average pooling: mean over H and W, keeping them as 1. */
    public static Tensor globalAvgPool(Tensor x) {
        return mean(x, true, 2, 3);
    }

    /** Sums {@code g} down to {@code shape} (undoing a broadcast); returns {@code g} itself when nothing to sum. */
    public static Tensor sumTo(Tensor g, Shape shape) {
        if (g.shape().equals(shape)) {
            return g;
        }
        int lead = g.shape().rank() - shape.rank();
        List<Integer> axes = new ArrayList<>();
        for (int d = 0; d < g.shape().rank(); d++) {
            if (d < lead || (shape.dim(d - lead) == 1 && g.shape().dim(d) != 1)) {
                axes.add(d);
            }
        }
        Tensor s = sum(g, true, axes.stream().mapToInt(Integer::intValue).toArray());
        return s.shape().equals(shape) ? s : reshape(s, shape);
    }

    // ---------------------------------------------------------------- movement

    /** Same data, new shape (a copy on the CPU backend); element counts must agree. */
    public static Tensor reshape(Tensor x, Shape shape) {
        if (shape.elementCount() != x.elementCount()) {
            throw new IllegalArgumentException("cannot reshape '" + x.name() + "' " + x.shape() + " to " + shape);
        }
        return apply1(Op.RESHAPE, new Attrs.ToShape(shape), shape, x.dtype(), x);
    }

    public static Tensor transpose(Tensor x, int... axes) {
        int[] perm = axes.clone();
        if (perm.length != x.shape().rank()) {
            throw new IllegalArgumentException("transpose of '" + x.name() + "' " + x.shape() + " needs " + x.shape().rank() + " axes, got " + Arrays.toString(perm));
        }
        int[] dims = new int[perm.length];
        boolean[] seen = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
            int p = x.shape().normaliseAxis(perm[i]);
            if (seen[p]) {
                throw new IllegalArgumentException("transpose permutation " + Arrays.toString(perm) + " repeats an axis");
            }
            seen[p] = true;
            perm[i] = p;
            dims[i] = x.shape().dim(p);
        }
        return apply1(Op.TRANSPOSE, new Attrs.Transpose(perm), Shape.of(dims), x.dtype(), x);
    }

    /** Swaps the last two dimensions. */
    public static Tensor transposeLast2(Tensor x) {
        int r = x.shape().rank();
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) {
            perm[i] = i;
        }
        perm[r - 2] = r - 1;
        perm[r - 1] = r - 2;
        return transpose(x, perm);
    }

    public static Tensor concat(int axis, Tensor... xs) {
        Shape first = xs[0].shape();
        int a = first.normaliseAxis(axis);
        int[] dims = first.dims();
        int total = 0;
        for (Tensor t : xs) {
            if (t.shape().rank() != first.rank() || t.dtype() != xs[0].dtype()) {
                throw new IllegalArgumentException("concat: '" + t.name() + "' " + t.dtype() + t.shape() + " does not match " + xs[0].dtype() + first);
            }
            for (int d = 0; d < first.rank(); d++) {
                if (d != a && t.shape().dim(d) != first.dim(d)) {
                    throw new IllegalArgumentException("concat along " + a + ": '" + t.name() + "' " + t.shape() + " does not match " + first);
                }
            }
            total += t.shape().dim(a);
        }
        dims[a] = total;
        return apply1(Op.CONCAT, new Attrs.Axis(a), Shape.of(dims), xs[0].dtype(), xs);
    }

    /**
     * ONNX/numpy slicing: for each listed axis, elements start, start+step, ... before end. Starts
     * and ends are clamped as ONNX specifies (negative counts from the end).
     */
    public static Tensor slice(Tensor x, long[] starts, long[] ends, int[] axes, long[] steps) {
        Shape s = x.shape();
        int[] st = new int[s.rank()];
        int[] sp = new int[s.rank()];
        int[] dims = s.dims();
        Arrays.fill(sp, 1);
        for (int i = 0; i < axes.length; i++) {
            int a = s.normaliseAxis(axes[i]);
            int n = s.dim(a);
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw new IllegalArgumentException("slice step 0 on axis " + a + " of '" + x.name() + "'");
            }
            long start = starts[i] < 0 ? starts[i] + n : starts[i];
            long end = ends[i] < 0 ? ends[i] + n : ends[i];
            long count;
            if (step > 0) {
                start = Math.clamp(start, 0, n);
                end = Math.clamp(end, 0, n);
                count = Math.max(0, (end - start + step - 1) / step);
            } else {
                start = Math.clamp(start, 0, n - 1);
                end = Math.clamp(end, -1, n - 1);
                count = Math.max(0, (start - end - step - 1) / -step);
            }
            st[a] = (int) start;
            sp[a] = (int) step;
            dims[a] = (int) count;
        }
        return apply1(Op.SLICE, new Attrs.Slice(st, sp), Shape.of(dims), x.dtype(), x);
    }

    /**
     * Constant padding (ONNX Pad, mode constant): {@code begins[d]} and {@code ends[d]} elements of
     * {@code value} before and after axis d. Composed from {@link #concat} of constant blocks, so its
     * gradient is concat's (the padded border gets none); non-negative pads only.
     */
    public static Tensor pad(Tensor x, long[] begins, long[] ends, double value) {
        Shape s = x.shape();
        if (begins.length != s.rank() || ends.length != s.rank()) {
            throw new IllegalArgumentException("pad of '" + x.name() + "' " + s + " needs " + s.rank() + " begins and ends, got "
                    + Arrays.toString(begins) + " and " + Arrays.toString(ends));
        }
        Tensor out = x;
        for (int d = 0; d < s.rank(); d++) {
            if (begins[d] < 0 || ends[d] < 0) {
                throw new IllegalArgumentException("negative pads " + Arrays.toString(begins) + Arrays.toString(ends) + " are not supported");
            }
            if (begins[d] == 0 && ends[d] == 0) {
                continue;
            }
            List<Tensor> parts = new ArrayList<>(3);
            for (long count : new long[] {begins[d], -1, ends[d]}) {
                if (count < 0) {
                    parts.add(out);
                } else if (count > 0) {
                    int[] dims = out.shape().dims();
                    dims[d] = Math.toIntExact(count);
                    Tensor block = Tensor.zeros(x.backend(), x.dtype(), Shape.of(dims), null);
                    if (value != 0) {
                        block.fill(value);
                    }
                    parts.add(block);
                }
            }
            out = concat(d, parts.toArray(Tensor[]::new));
        }
        return out;
    }

    /** Gather along {@code axis} with INT64 indices (ONNX Gather). */
    public static Tensor gather(Tensor x, Tensor indices, int axis) {
        if (indices.dtype() != DType.INT64) {
            throw new IllegalArgumentException("gather indices '" + indices.name() + "' must be INT64, not " + indices.dtype());
        }
        int a = x.shape().normaliseAxis(axis);
        int[] xd = x.shape().dims();
        int[] id = indices.shape().dims();
        int[] out = new int[xd.length - 1 + id.length];
        System.arraycopy(xd, 0, out, 0, a);
        System.arraycopy(id, 0, out, a, id.length);
        System.arraycopy(xd, a + 1, out, a + id.length, xd.length - a - 1);
        return apply(Op.GATHER, new Attrs.Axis(a), new Tensor[] {x, indices}, new Shape[] {Shape.of(out)}, new DType[] {x.dtype()}, 1)[0];
    }

    /** Broadcasts {@code x} to the broadcast of its shape and {@code shape} (ONNX Expand). */
    public static Tensor expand(Tensor x, Shape shape) {
        Shape out = Shape.broadcast(x.shape(), shape);
        return apply1(Op.EXPAND, new Attrs.ToShape(out), out, x.dtype(), x);
    }

    // ---------------------------------------------------------------- linear algebra

    /** numpy matmul: [..., M, K] x [..., K, N] with broadcast batch dims; 1-d operands are promoted and squeezed back. */
    public static Tensor matmul(Tensor a, Tensor b) {
        floatType(Op.MATMUL, a);
        sameType(Op.MATMUL, a, b);
        if (a.shape().rank() == 1) {
            Tensor r = matmul(reshape(a, Shape.of(1, a.shape().dim(0))), b);
            int[] d = r.shape().dims();
            int[] out = new int[d.length - 1];
            System.arraycopy(d, 0, out, 0, d.length - 2);
            out[out.length - 1] = d[d.length - 1];
            return reshape(r, Shape.of(out));
        }
        if (b.shape().rank() == 1) {
            Tensor r = matmul(a, reshape(b, Shape.of(b.shape().dim(0), 1)));
            int[] d = r.shape().dims();
            return reshape(r, Shape.of(Arrays.copyOf(d, d.length - 1)));
        }
        Shape as = a.shape();
        Shape bs = b.shape();
        int k = as.dim(-1);
        if (bs.dim(-2) != k) {
            throw new IllegalArgumentException("matmul: '" + a.name() + "' " + as + " and '" + b.name() + "' " + bs + " have inner dimensions " + k + " and " + bs.dim(-2));
        }
        Shape batch = Shape.broadcast(Shape.of(Arrays.copyOf(as.dims(), as.rank() - 2)), Shape.of(Arrays.copyOf(bs.dims(), bs.rank() - 2)));
        int[] out = Arrays.copyOf(batch.dims(), batch.rank() + 2);
        out[batch.rank()] = as.dim(-2);
        out[batch.rank() + 1] = bs.dim(-1);
        return apply1(Op.MATMUL, Attrs.NONE, Shape.of(out), a.dtype(), a, b);
    }

    /** ONNX Gemm: alpha * op(A) op(B) + beta * C with op = optional transpose. */
    public static Tensor gemm(Tensor a, Tensor b, Tensor c, boolean transA, boolean transB, double alpha, double beta) {
        Tensor y = matmul(transA ? transposeLast2(a) : a, transB ? transposeLast2(b) : b);
        if (alpha != 1) {
            y = mul(y, scalar(y, alpha));
        }
        if (c != null) {
            y = add(y, beta == 1 ? c : mul(c, scalar(c, beta)));
        }
        return y;
    }

    /** 2-d convolution (NCHW input, [OC, IC/groups, KH, KW] weights, optional [OC] bias). */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Attrs.Conv a) {
        floatType(Op.CONV2D, x);
        sameType(Op.CONV2D, x, w);
        Shape xs = x.shape();
        Shape ws = w.shape();
        if (xs.rank() != 4 || ws.rank() != 4) {
            throw new IllegalArgumentException("conv2d needs a 4-d input and weight, got '" + x.name() + "' " + xs + " and '" + w.name() + "' " + ws);
        }
        if (xs.dim(1) != ws.dim(1) * a.groups() || ws.dim(0) % a.groups() != 0) {
            throw new IllegalArgumentException("conv2d: input '" + x.name() + "' " + xs + " has " + xs.dim(1) + " channels, weight '" + w.name() + "' " + ws + " with groups " + a.groups() + " expects " + ws.dim(1) * a.groups());
        }
        int oh = convOut(xs.dim(2), ws.dim(2), a.strides()[0], a.pads()[0] + a.pads()[2], a.dilations()[0]);
        int ow = convOut(xs.dim(3), ws.dim(3), a.strides()[1], a.pads()[1] + a.pads()[3], a.dilations()[1]);
        Shape out = Shape.of(xs.dim(0), ws.dim(0), oh, ow);
        Tensor[] ins = bias == null ? new Tensor[] {x, w} : new Tensor[] {x, w, bias};
        return apply(Op.CONV2D, a, ins, new Shape[] {out}, new DType[] {x.dtype()}, 1)[0];
    }

    static int convOut(int in, int k, int stride, int padTotal, int dilation) {
        int out = (in + padTotal - dilation * (k - 1) - 1) / stride + 1;
        if (out <= 0) {
            throw new IllegalArgumentException("convolution/pooling window " + k + " (dilation " + dilation + ") does not fit an input of " + in + " with padding " + padTotal);
        }
        return out;
    }

    public static Tensor maxPool(Tensor x, Attrs.Pool p) {
        return pool(Op.MAX_POOL, x, p);
    }

    public static Tensor avgPool(Tensor x, Attrs.Pool p) {
        return pool(Op.AVG_POOL, x, p);
    }

    private static Tensor pool(Op op, Tensor x, Attrs.Pool p) {
        floatType(op, x);
        Shape s = x.shape();
        int oh = convOut(s.dim(2), p.kernel()[0], p.strides()[0], p.pads()[0] + p.pads()[2], 1);
        int ow = convOut(s.dim(3), p.kernel()[1], p.strides()[1], p.pads()[1] + p.pads()[3], 1);
        return apply1(op, p, Shape.of(s.dim(0), s.dim(1), oh, ow), x.dtype(), x);
    }

    // ---------------------------------------------------------------- normalisation and loss

    /**
     * Batch normalisation over [N, C, ...]. In training mode the batch statistics normalise and the
     * running statistics (updated in place) follow them with {@code momentum} (torch convention:
     * weight of the new value); in eval mode the running statistics normalise.
     */
    /**
     * clip(batchNorm(x), min, max): a ReLU ({@code 0, +inf}) or ReLU6 ({@code 0, 6}) after a batch norm,
     * fused into the batch norm's pass where the backend can ({@link Backend#fusesBatchNormActivation}):
     * one pass over memory less each way, and the un-activated output is never stored. Otherwise the
     * two ops run as they would apart.
     */
    public static Tensor batchNormActivation(Tensor x, Tensor scale, Tensor bias, Tensor runningMean, Tensor runningVar,
                                             Attrs.BatchNorm a, double min, double max) {
        if (x.backend().fusesBatchNormActivation(x.dtype(), x.layout())) {
            return batchNorm(x, scale, bias, runningMean, runningVar, new Attrs.BatchNorm(a.epsilon(), a.momentum(), a.training(), min, max));
        }
        Tensor y = batchNorm(x, scale, bias, runningMean, runningVar, a);
        return min == 0 && max == Double.POSITIVE_INFINITY ? relu(y) : clip(y, min, max);
    }

    public static Tensor batchNorm(Tensor x, Tensor scale, Tensor bias, Tensor runningMean, Tensor runningVar, Attrs.BatchNorm a) {
        floatType(Op.BATCH_NORM, x);
        Shape c = Shape.of(x.shape().dim(1));
        for (Tensor t : new Tensor[] {scale, bias, runningMean, runningVar}) {
            if (!t.shape().equals(c) || t.dtype() != x.dtype()) {
                throw new IllegalArgumentException("batch norm of '" + x.name() + "' " + x.shape() + ": '" + t.name() + "' is " + t.dtype() + t.shape() + ", expected " + x.dtype() + c);
            }
        }
        return apply(Op.BATCH_NORM, a, new Tensor[] {x, scale, bias, runningMean, runningVar},
                new Shape[] {x.shape(), c, c}, new DType[] {x.dtype(), x.dtype(), x.dtype()}, 1)[0];
    }

    /** Layer normalisation over dims {@code axis..}; scale and bias have the normalised dims' shape. */
    public static Tensor layerNorm(Tensor x, Tensor scale, Tensor bias, int axis, double epsilon) {
        floatType(Op.LAYER_NORM, x);
        int a = x.shape().normaliseAxis(axis);
        int[] d = x.shape().dims();
        Shape norm = Shape.of(Arrays.copyOfRange(d, a, d.length));
        if (scale.elementCount() != norm.elementCount() || bias.elementCount() != norm.elementCount()) {
            throw new IllegalArgumentException("layer norm of '" + x.name() + "' " + x.shape() + " over " + norm + ": scale " + scale.shape() + ", bias " + bias.shape());
        }
        int[] statDims = Arrays.copyOf(d, a);
        Shape stat = Shape.of(statDims);
        return apply(Op.LAYER_NORM, new Attrs.LayerNorm(a, epsilon), new Tensor[] {x, scale, bias},
                new Shape[] {x.shape(), stat, stat}, new DType[] {x.dtype(), x.dtype(), x.dtype()}, 1)[0];
    }

    public static Tensor softmax(Tensor x, int axis) {
        return apply1(Op.SOFTMAX, new Attrs.Axis(x.shape().normaliseAxis(axis)), x.shape(), floatType(Op.SOFTMAX, x), x);
    }

    /**
     * Inverted dropout with probability {@code p}: returns x * mask, where the mask (kept as the
     * op's second output for the backward) holds 0 or 1/(1 - p), drawn from {@code seed}.
     */
    public static Tensor dropout(Tensor x, double p, long seed) {
        floatType(Op.DROPOUT, x);
        return apply(Op.DROPOUT, new Attrs.Dropout(p, seed), new Tensor[] {x}, new Shape[] {x.shape(), x.shape()},
                new DType[] {x.dtype(), x.dtype()}, 1)[0];
    }

    /** Binary cross-entropy with logits against float targets; the mean (a scalar) or per element. */
    public static Tensor bceWithLogits(Tensor logits, Tensor targets, boolean mean) {
        floatType(Op.BCE_WITH_LOGITS, logits);
        sameType(Op.BCE_WITH_LOGITS, logits, targets);
        if (!logits.shape().equals(targets.shape())) {
            throw new IllegalArgumentException("BCE: logits '" + logits.name() + "' " + logits.shape() + " and targets '" + targets.name() + "' " + targets.shape() + " differ in shape");
        }
        return apply1(Op.BCE_WITH_LOGITS, new Attrs.Bce(mean), mean ? Shape.SCALAR : logits.shape(), logits.dtype(), logits, targets);
    }
}
