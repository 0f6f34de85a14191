package dev.genbench.engine.cpu;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.DType;
import dev.genbench.engine.Launch;
import dev.genbench.engine.Op;
import dev.genbench.engine.Shape;
import dev.genbench.engine.TensorView;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

/**
 * oneDNN (through the Bytedeco {@code dnnl} preset) for FP32 matmul and 2-d convolution forward,
 * backward-data and backward-weights. Operands stay in our dense row-major / NCHW buffers and are
 * handed to oneDNN as user memory, so there is no copy in or out. Primitives are created once per
 * (op, shapes, attributes) and cached, because creating one costs milliseconds of JIT
 * (research/ENGINE-ONEDNN.md); the per-call cost is wrapping the buffers.
 *
 * <p>Convolutions either hand oneDNN our NCHW/OIHW buffers directly (plain; it then runs its
 * gemm-based kernels) or let it choose blocked layouts ({@code any}) behind cached reorders into
 * scratch buffers, so that its direct jit kernels run ({@link CpuBackend.ConvLayout}).
 * Channels-last activations end to end, measured fastest (research/ENGINE-ONEDNN.md), are a later
 * change of the tensors' layout.
 *
 * <p>Owned by one {@link CpuBackend}, which closes it; calls are serialised by the backend's
 * caller (one kernel at a time), so the cache is not synchronised beyond {@code synchronized}.
 */
final class OneDnn implements AutoCloseable {

    private final engine eng;
    private final stream strm;
    private final Map<String, primitive> primitives = new HashMap<>();

    private final CpuBackend.ConvLayout convLayout;

    OneDnn(CpuBackend.ConvLayout convLayout) {
        this.convLayout = convLayout;
        eng = new engine(engine.kind.cpu, 0);
        strm = new stream(eng);
    }

    /** True when oneDNN runs this launch; otherwise the backend uses the Java reference. */
    static boolean supports(Launch l) {
        for (TensorView v : l.inputs()) {
            if (v.dtype() != DType.FP32) {
                return false;
            }
        }
        return switch (l.op()) {
            case MATMUL -> {
                int rank = Math.max(l.in(0).shape().rank(), l.in(1).shape().rank());
                yield rank >= 2 && rank <= 5;
            }
            case BATCH_NORM, BATCH_NORM_GRAD -> l.in(0).shape().rank() >= 2 && l.in(0).shape().rank() <= 5;
            default -> l.in(0).shape().rank() == 4;
        };
    }

    private static memory.format_tag plainTag(int rank) {
        return switch (rank) {
            case 2 -> memory.format_tag.ab;
            case 3 -> memory.format_tag.abc;
            case 4 -> memory.format_tag.abcd;
            case 5 -> memory.format_tag.abcde;
            default -> throw new IllegalArgumentException("rank " + rank + " has no plain oneDNN layout here");
        };
    }

    private static memory.desc desc(long[] dims) {
        return new memory.desc(dims, memory.data_type.f32, plainTag(dims.length));
    }

    /** The operand's logical dims in its memory layout (nhwc for channels-last). */
    private static memory.desc desc(TensorView v) {
        long[] dims = v.shape().longDims();
        return new memory.desc(dims, memory.data_type.f32, v.channelsLast() ? memory.format_tag.nhwc : plainTag(dims.length));
    }

    /** The operand as a flat run of elements: for ops that do not care where each element lies. */
    private static memory.desc flat(TensorView v) {
        return new memory.desc(new long[] {Math.max(1, v.elementCount())}, memory.data_type.f32, memory.format_tag.a);
    }

    private static String layouts(Launch l) {
        StringBuilder sb = new StringBuilder();
        for (TensorView v : l.inputs()) {
            sb.append(v.channelsLast() ? 'L' : 'R');
        }
        for (TensorView v : l.outputs()) {
            sb.append(v.channelsLast() ? 'L' : 'R');
        }
        return sb.toString();
    }

    static boolean anyChannelsLast(Launch l) {
        for (TensorView v : l.inputs()) {
            if (v.channelsLast()) {
                return true;
            }
        }
        for (TensorView v : l.outputs()) {
            if (v.channelsLast()) {
                return true;
            }
        }
        return false;
    }

    private static long[] padRank(Shape s, int rank) {
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        long[] d = s.longDims();
        System.arraycopy(d, 0, out, rank - d.length, d.length);
        return out;
    }

    private memory wrap(memory.desc d, TensorView v) {
        MemorySegment seg = CpuBackend.seg(v);
        return new memory(d, eng, new Pointer(seg.asByteBuffer()));
    }

    synchronized void matmul(Launch l) {
        int rank = l.out(0).shape().rank();
        long[] a = padRank(l.in(0).shape(), rank);
        long[] b = padRank(l.in(1).shape(), rank);
        long[] c = l.out(0).shape().longDims();
        try (PointerScope _ = new PointerScope()) {
            memory.desc ad = desc(a);
            memory.desc bd = desc(b);
            memory.desc cd = desc(c);
            String key = "matmul" + Arrays.toString(a) + Arrays.toString(b);
            primitive p = cached(key, () -> new matmul(new matmul.primitive_desc(eng, ad, bd, cd)));
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_SRC, wrap(ad, l.in(0)));
            args.put(DNNL_ARG_WEIGHTS, wrap(bd, l.in(1)));
            args.put(DNNL_ARG_DST, wrap(cd, l.out(0)));
            p.execute(strm, args);
            strm._wait();
        }
    }

    /** Geometry and descriptors shared by the three convolution primitives of one shape. */
    private record ConvDescs(memory.desc src, memory.desc weights, memory.desc bias, memory.desc dst,
                             long[] strides, long[] dilates, long[] padL, long[] padR) {}

    private ConvDescs convDescs(Attrs.Conv a, Shape x, Shape w, Shape y, boolean bias) {
        long[] wd;
        if (a.groups() == 1) {
            wd = w.longDims();
        } else {
            // oneDNN's grouped weights are [G, OC/G, IC/G, KH, KW]: the same bytes as our [OC, IC/G, KH, KW].
            wd = new long[] {a.groups(), w.dim(0) / a.groups(), w.dim(1), w.dim(2), w.dim(3)};
        }
        return new ConvDescs(desc(x.longDims()),
                new memory.desc(wd, memory.data_type.f32, a.groups() == 1 ? memory.format_tag.oihw : memory.format_tag.goihw),
                bias ? desc2(w.dim(0)) : null,
                desc(y.longDims()),
                new long[] {a.strides()[0], a.strides()[1]},
                // oneDNN counts dilation from 0 (0 = dense), ONNX and torch from 1.
                new long[] {a.dilations()[0] - 1, a.dilations()[1] - 1},
                new long[] {a.pads()[0], a.pads()[1]},
                new long[] {a.pads()[2], a.pads()[3]});
    }

    private static memory.desc desc2(int n) {
        return new memory.desc(new long[] {n}, memory.data_type.f32, memory.format_tag.a);
    }

    private convolution_forward.primitive_desc forwardPd(ConvDescs d, boolean bias) {
        if (bias) {
            return new convolution_forward.primitive_desc(eng, org.bytedeco.dnnl.global.dnnl.prop_kind.forward_training,
                    org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct, d.src(), d.weights(), d.bias(), d.dst(),
                    d.strides(), d.dilates(), d.padL(), d.padR());
        }
        return new convolution_forward.primitive_desc(eng, org.bytedeco.dnnl.global.dnnl.prop_kind.forward_training,
                org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct, d.src(), d.weights(), d.dst(),
                d.strides(), d.dilates(), d.padL(), d.padR());
    }

    synchronized void conv(Launch l) {
        Attrs.Conv attrs = l.attrs() instanceof Attrs.ConvGrad g ? g.conv() : (Attrs.Conv) l.attrs();
        if (!anyChannelsLast(l) && (convLayout == CpuBackend.ConvLayout.PLAIN
                || (convLayout == CpuBackend.ConvLayout.GROUPED_CHOSEN && attrs.groups() == 1))) {
            convPlain(l);
            return;
        }
        try (PointerScope _ = new PointerScope()) {
            Plan plan = convPlan(l);
            TensorView[] views = new TensorView[plan.operands().length];
            int k = 0;
            for (TensorView v : l.inputs()) {
                views[k++] = v;
            }
            views[k] = l.out(0);
            IntMemoryMap args = new IntMemoryMap();
            for (int i = 0; i < views.length; i++) {
                Operand o = plan.operands()[i];
                if (o.reorder() == null) {
                    args.put(o.arg(), wrap(o.user(), views[i]));
                } else {
                    if (!o.output()) {
                        IntMemoryMap r = new IntMemoryMap();
                        r.put(DNNL_ARG_FROM, wrap(o.user(), views[i]));
                        r.put(DNNL_ARG_TO, o.scratch());
                        o.reorder().execute(strm, r);
                    }
                    args.put(o.arg(), o.scratch());
                }
            }
            plan.primitive().execute(strm, args);
            Operand out = plan.operands()[views.length - 1];
            if (out.reorder() != null) {
                IntMemoryMap r = new IntMemoryMap();
                r.put(DNNL_ARG_FROM, out.scratch());
                r.put(DNNL_ARG_TO, wrap(out.user(), views[views.length - 1]));
                out.reorder().execute(strm, r);
            }
            strm._wait();
        }
    }

    /**
     * One operand of a cached convolution: our plain layout ({@code user}) and, when oneDNN chose
     * another, the reorder between them and a scratch buffer in oneDNN's layout, allocated once
     * per shape and reused (pre-touched after the first step).
     */
    private record Operand(int arg, memory.desc user, primitive reorder, memory scratch, boolean output) {}

    private record Plan(primitive primitive, Operand[] operands) {}

    private final Map<String, Plan> convPlans = new HashMap<>();
    private final java.util.List<Pointer> retained = new java.util.ArrayList<>();

    private <T extends Pointer> T retain(T p) {
        p.retainReference();
        retained.add(p);
        return p;
    }

    private Operand operand(int arg, memory.desc user, memory.desc chosen, boolean output) {
        retain(user);
        if (user.equals(chosen)) {
            return new Operand(arg, user, null, null, output);
        }
        primitive reorder = output
                ? new org.bytedeco.dnnl.reorder(new org.bytedeco.dnnl.reorder.primitive_desc(eng, chosen, eng, user))
                : new org.bytedeco.dnnl.reorder(new org.bytedeco.dnnl.reorder.primitive_desc(eng, user, eng, chosen));
        return new Operand(arg, user, retain(reorder), retain(new memory(chosen, eng)), output);
    }

    private static memory.desc anyDesc(long[] dims) {
        return new memory.desc(dims, memory.data_type.f32, memory.format_tag.any);
    }

    private Plan convPlan(Launch l) {
        Attrs.Conv a = l.attrs() instanceof Attrs.ConvGrad g ? g.conv() : (Attrs.Conv) l.attrs();
        TensorView xv;
        TensorView yv;
        Shape w;
        switch (l.op()) {
            case CONV2D -> {
                xv = l.in(0);
                w = l.in(1).shape();
                yv = l.out(0);
            }
            case CONV2D_DATA_GRAD -> {
                xv = l.out(0);
                w = l.in(1).shape();
                yv = l.in(0);
            }
            default -> {
                xv = l.in(0);
                w = l.out(0).shape();
                yv = l.in(1);
            }
        }
        Shape x = xv.shape();
        Shape y = yv.shape();
        boolean bias = l.op() == Op.CONV2D && l.inputs().size() > 2;
        String key = l.op() + key(a, x, w, y) + bias + layouts(l);
        Plan plan = convPlans.get(key);
        if (plan != null) {
            return plan;
        }
        ConvDescs plain = convDescs(a, x, w, y, bias);
        ConvDescs user = new ConvDescs(desc(xv), plain.weights(), plain.bias(), desc(yv),
                plain.strides(), plain.dilates(), plain.padL(), plain.padR());
        long[] wd = a.groups() == 1 ? w.longDims() : new long[] {a.groups(), w.dim(0) / a.groups(), w.dim(1), w.dim(2), w.dim(3)};
        // Channels-last activations are handed over as they are (oneDNN's brgconv kernels take them);
        // row-major ones and the weights in whatever layout oneDNN chooses, behind cached reorders.
        ConvDescs any = new ConvDescs(xv.channelsLast() ? user.src() : anyDesc(x.longDims()), anyDesc(wd), bias ? user.bias() : null,
                yv.channelsLast() ? user.dst() : anyDesc(y.longDims()),
                user.strides(), user.dilates(), user.padL(), user.padR());
        convolution_forward.primitive_desc fwd = forwardPd(any, bias);
        plan = switch (l.op()) {
            case CONV2D -> {
                Operand[] ops = bias
                        ? new Operand[] {operand(DNNL_ARG_SRC, user.src(), fwd.src_desc(), false), operand(DNNL_ARG_WEIGHTS, user.weights(), fwd.weights_desc(), false),
                                operand(DNNL_ARG_BIAS, user.bias(), fwd.bias_desc(), false), operand(DNNL_ARG_DST, user.dst(), fwd.dst_desc(), true)}
                        : new Operand[] {operand(DNNL_ARG_SRC, user.src(), fwd.src_desc(), false), operand(DNNL_ARG_WEIGHTS, user.weights(), fwd.weights_desc(), false),
                                operand(DNNL_ARG_DST, user.dst(), fwd.dst_desc(), true)};
                yield new Plan(retain(new convolution_forward(fwd)), ops);
            }
            case CONV2D_DATA_GRAD -> {
                var pd = new convolution_backward_data.primitive_desc(eng, org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct,
                        any.src(), any.weights(), any.dst(), any.strides(), any.dilates(), any.padL(), any.padR(), fwd);
                yield new Plan(retain(new convolution_backward_data(pd)), new Operand[] {
                        operand(DNNL_ARG_DIFF_DST, user.dst(), pd.diff_dst_desc(), false),
                        operand(DNNL_ARG_WEIGHTS, user.weights(), pd.weights_desc(), false),
                        operand(DNNL_ARG_DIFF_SRC, user.src(), pd.diff_src_desc(), true)});
            }
            default -> {
                var pd = new convolution_backward_weights.primitive_desc(eng, org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct,
                        any.src(), any.weights(), any.dst(), any.strides(), any.dilates(), any.padL(), any.padR(), fwd);
                yield new Plan(retain(new convolution_backward_weights(pd)), new Operand[] {
                        operand(DNNL_ARG_SRC, user.src(), pd.src_desc(), false),
                        operand(DNNL_ARG_DIFF_DST, user.dst(), pd.diff_dst_desc(), false),
                        operand(DNNL_ARG_DIFF_WEIGHTS, user.weights(), pd.diff_weights_desc(), true)});
            }
        };
        convPlans.put(key, plan);
        return plan;
    }

    private void convPlain(Launch l) {
        try (PointerScope _ = new PointerScope()) {
            switch (l.op()) {
                case CONV2D -> {
                    Attrs.Conv a = (Attrs.Conv) l.attrs();
                    boolean bias = l.inputs().size() > 2;
                    ConvDescs d = convDescs(a, l.in(0).shape(), l.in(1).shape(), l.out(0).shape(), bias);
                    String key = "conv" + key(a, l.in(0).shape(), l.in(1).shape(), l.out(0).shape()) + bias;
                    primitive p = cached(key, () -> new convolution_forward(forwardPd(d, bias)));
                    IntMemoryMap args = new IntMemoryMap();
                    args.put(DNNL_ARG_SRC, wrap(d.src(), l.in(0)));
                    args.put(DNNL_ARG_WEIGHTS, wrap(d.weights(), l.in(1)));
                    if (bias) {
                        args.put(DNNL_ARG_BIAS, wrap(d.bias(), l.in(2)));
                    }
                    args.put(DNNL_ARG_DST, wrap(d.dst(), l.out(0)));
                    p.execute(strm, args);
                }
                case CONV2D_DATA_GRAD -> {
                    Attrs.ConvGrad a = (Attrs.ConvGrad) l.attrs();
                    Shape x = l.out(0).shape();
                    Shape w = l.in(1).shape();
                    Shape y = l.in(0).shape();
                    ConvDescs d = convDescs(a.conv(), x, w, y, false);
                    String key = "convBwdData" + key(a.conv(), x, w, y);
                    primitive p = cached(key, () -> new convolution_backward_data(new convolution_backward_data.primitive_desc(eng,
                                org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct, d.src(), d.weights(), d.dst(),
                                d.strides(), d.dilates(), d.padL(), d.padR(), forwardPd(d, false))));
                    IntMemoryMap args = new IntMemoryMap();
                    args.put(DNNL_ARG_DIFF_DST, wrap(d.dst(), l.in(0)));
                    args.put(DNNL_ARG_WEIGHTS, wrap(d.weights(), l.in(1)));
                    args.put(DNNL_ARG_DIFF_SRC, wrap(d.src(), l.out(0)));
                    p.execute(strm, args);
                }
                case CONV2D_WEIGHTS_GRAD -> {
                    Attrs.ConvGrad a = (Attrs.ConvGrad) l.attrs();
                    Shape x = l.in(0).shape();
                    Shape w = l.out(0).shape();
                    Shape y = l.in(1).shape();
                    ConvDescs d = convDescs(a.conv(), x, w, y, false);
                    String key = "convBwdWeights" + key(a.conv(), x, w, y);
                    primitive p = cached(key, () -> new convolution_backward_weights(new convolution_backward_weights.primitive_desc(eng,
                                org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct, d.src(), d.weights(), d.dst(),
                                d.strides(), d.dilates(), d.padL(), d.padR(), forwardPd(d, false))));
                    IntMemoryMap args = new IntMemoryMap();
                    args.put(DNNL_ARG_SRC, wrap(d.src(), l.in(0)));
                    args.put(DNNL_ARG_DIFF_DST, wrap(d.dst(), l.in(1)));
                    args.put(DNNL_ARG_DIFF_WEIGHTS, wrap(d.weights(), l.out(0)));
                    p.execute(strm, args);
                }
                default -> throw new IllegalArgumentException(l.op() + " is not a convolution");
            }
            strm._wait();
        }
    }

    /**
     * Keeps a primitive made inside a PointerScope alive past the scope. JavaCPP's
     * PointerScope.detach did not stop the scope from freeing it (measured with 1.5.13); an extra
     * reference does, and {@link #close()} drops it.
     */
    private static void keep(primitive p) {
        p.retainReference();
    }

    /** A cached primitive by key, made by {@code make} on first use (creating one costs milliseconds of JIT). */
    private primitive cached(String key, java.util.function.Supplier<primitive> make) {
        primitive p = primitives.get(key);
        if (p == null) {
            p = make.get();
            keep(p);
            primitives.put(key, p);
        }
        return p;
    }

    // ------------------------------------------------------------------ batch normalisation

    private static final int SCALE_SHIFT = org.bytedeco.dnnl.global.dnnl.normalization_flags.use_scale.value
            | org.bytedeco.dnnl.global.dnnl.normalization_flags.use_shift.value;
    private static final int GLOBAL_STATS = org.bytedeco.dnnl.global.dnnl.normalization_flags.use_global_stats.value;

    private batch_normalization_forward.primitive_desc bnForwardPd(memory.desc d, Attrs.BatchNorm a) {
        int flags = SCALE_SHIFT | (a.training() ? 0 : GLOBAL_STATS);
        return new batch_normalization_forward.primitive_desc(eng, org.bytedeco.dnnl.global.dnnl.prop_kind.forward_training.value,
                d, d, (float) a.epsilon(), flags);
    }

    /**
     * Batch norm with the same contract as {@link Normalisation}: outputs y, mean, variance (the
     * statistics used). In training oneDNN computes the batch statistics and we then move the
     * running ones (C values, cheap in Java) as torch does, with the unbiased variance.
     */
    synchronized void batchNorm(Launch l) {
        Attrs.BatchNorm a = (Attrs.BatchNorm) l.attrs();
        if (a.clips()) {
            throw new IllegalStateException("oneDNN's batch norm here has no fused clip; CpuBackend.fusesBatchNormActivation should have said so");
        }
        Shape xs = l.in(0).shape();
        try (PointerScope _ = new PointerScope()) {
            memory.desc d = desc(l.in(0));
            memory.desc c = desc2(xs.dim(1));
            String key = "bn" + xs + a + layouts(l);
            primitive p = cached(key, () -> new batch_normalization_forward(bnForwardPd(d, a)));
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_SRC, wrap(d, l.in(0)));
            args.put(DNNL_ARG_DST, wrap(d, l.out(0)));
            args.put(DNNL_ARG_SCALE, wrap(c, l.in(1)));
            args.put(DNNL_ARG_SHIFT, wrap(c, l.in(2)));
            // In training the statistics are outputs written into our saved mean/var; in eval the
            // running statistics are inputs, and the saved outputs are copies of them.
            args.put(DNNL_ARG_MEAN, wrap(c, a.training() ? l.out(1) : l.in(3)));
            args.put(DNNL_ARG_VARIANCE, wrap(c, a.training() ? l.out(2) : l.in(4)));
            p.execute(strm, args);
            strm._wait();
        }
        MemorySegment mean = CpuBackend.seg(l.out(1));
        MemorySegment var = CpuBackend.seg(l.out(2));
        MemorySegment rm = CpuBackend.seg(l.in(3));
        MemorySegment rv = CpuBackend.seg(l.in(4));
        if (a.training()) {
            long count = xs.elementCount() / xs.dim(1);
            double unbias = count > 1 ? (double) count / (count - 1) : 1;
            double m = a.momentum();
            for (int ch = 0; ch < xs.dim(1); ch++) {
                rm.setAtIndex(Mem.F32, ch, (float) ((1 - m) * rm.getAtIndex(Mem.F32, ch) + m * mean.getAtIndex(Mem.F32, ch)));
                rv.setAtIndex(Mem.F32, ch, (float) ((1 - m) * rv.getAtIndex(Mem.F32, ch) + m * var.getAtIndex(Mem.F32, ch) * unbias));
            }
        } else {
            MemorySegment.copy(rm, 0, mean, 0, mean.byteSize());
            MemorySegment.copy(rv, 0, var, 0, var.byteSize());
        }
    }

    /** Inputs x, g, scale, mean, var; outputs gx, gscale, gbias. */
    synchronized void batchNormGrad(Launch l) {
        Attrs.BatchNorm a = (Attrs.BatchNorm) l.attrs();
        Shape xs = l.in(0).shape();
        try (PointerScope _ = new PointerScope()) {
            memory.desc d = desc(l.in(0));
            memory.desc c = desc2(xs.dim(1));
            String key = "bnBwd" + xs + a + layouts(l);
            primitive p = cached(key, () -> {
                int flags = SCALE_SHIFT | (a.training() ? 0 : GLOBAL_STATS);
                return new batch_normalization_backward(new batch_normalization_backward.primitive_desc(eng,
                        org.bytedeco.dnnl.global.dnnl.prop_kind.backward.value, d, d, d, (float) a.epsilon(), flags, bnForwardPd(d, a)));
            });
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_SRC, wrap(d, l.in(0)));
            args.put(DNNL_ARG_DIFF_DST, wrap(d, l.in(1)));
            args.put(DNNL_ARG_SCALE, wrap(c, l.in(2)));
            args.put(DNNL_ARG_MEAN, wrap(c, l.in(3)));
            args.put(DNNL_ARG_VARIANCE, wrap(c, l.in(4)));
            args.put(DNNL_ARG_DIFF_SRC, wrap(d, l.out(0)));
            args.put(DNNL_ARG_DIFF_SCALE, wrap(c, l.out(1)));
            args.put(DNNL_ARG_DIFF_SHIFT, wrap(c, l.out(2)));
            p.execute(strm, args);
            strm._wait();
        }
    }

    // ------------------------------------------------------------------ pooling

    /** Cached pooling primitives of one shape; max pooling's backward also keeps its workspace. */
    private record PoolPrims(primitive forward, primitive trainingForward, primitive backward, memory workspace, memory scratchDst) {}

    private final Map<String, PoolPrims> pools = new HashMap<>();

    private PoolPrims poolPrims(boolean max, Attrs.Pool p, Shape x, Shape y, memory.desc src, memory.desc dst, boolean channelsLast) {
        String key = (max ? "max" : "avg") + x + y + channelsLast + Arrays.toString(p.kernel()) + Arrays.toString(p.strides()) + Arrays.toString(p.pads()) + p.countIncludePad();
        PoolPrims cached = pools.get(key);
        if (cached != null) {
            return cached;
        }
        var alg = max ? org.bytedeco.dnnl.global.dnnl.algorithm.pooling_max
                : p.countIncludePad() ? org.bytedeco.dnnl.global.dnnl.algorithm.pooling_avg_include_padding
                : org.bytedeco.dnnl.global.dnnl.algorithm.pooling_avg_exclude_padding;
        long[] strides = {p.strides()[0], p.strides()[1]};
        long[] kernel = {p.kernel()[0], p.kernel()[1]};
        long[] dil = {0, 0};
        long[] padL = {p.pads()[0], p.pads()[1]};
        long[] padR = {p.pads()[2], p.pads()[3]};
        var inferencePd = new pooling_forward.primitive_desc(eng, org.bytedeco.dnnl.global.dnnl.prop_kind.forward_inference, alg, src, dst, strides, kernel, dil, padL, padR);
        var trainingPd = new pooling_forward.primitive_desc(eng, org.bytedeco.dnnl.global.dnnl.prop_kind.forward_training, alg, src, dst, strides, kernel, dil, padL, padR);
        var backwardPd = new pooling_backward.primitive_desc(eng, alg, src, dst, strides, kernel, dil, padL, padR, trainingPd);
        primitive fwd = new pooling_forward(inferencePd);
        primitive trainFwd = new pooling_forward(trainingPd);
        primitive bwd = new pooling_backward(backwardPd);
        memory ws = max ? new memory(trainingPd.workspace_desc(), eng) : null;
        memory scratch = max ? new memory(dst, eng) : null;
        for (Pointer ptr : new Pointer[] {fwd, trainFwd, bwd, ws, scratch}) {
            if (ptr != null) {
                ptr.retainReference();
            }
        }
        PoolPrims made = new PoolPrims(fwd, trainFwd, bwd, ws, scratch);
        pools.put(key, made);
        return made;
    }

    /**
     * Pooling forward, and backward for both kinds. oneDNN's max-pooling backward reads the
     * forward's workspace (the argmax), and our MAX_POOL_GRAD gets x, not a workspace, so it reruns
     * the training forward into a cached scratch output first: pooling is cheap next to the
     * convolutions around it, and the op contract stays backend-independent.
     */
    synchronized void pool(Launch l) {
        boolean grad = l.op() == Op.MAX_POOL_GRAD || l.op() == Op.AVG_POOL_GRAD;
        boolean max = l.op() == Op.MAX_POOL || l.op() == Op.MAX_POOL_GRAD;
        Attrs.Pool p = grad ? ((Attrs.PoolGrad) l.attrs()).pool() : (Attrs.Pool) l.attrs();
        Shape x = l.in(0).shape();
        Shape y = grad ? l.in(1).shape() : l.out(0).shape();
        try (PointerScope _ = new PointerScope()) {
            memory.desc src = desc(l.in(0));
            memory.desc dst = desc(grad ? l.in(1) : l.out(0));
            PoolPrims prims = poolPrims(max, p, x, y, src, dst, l.in(0).channelsLast());
            if (!grad) {
                IntMemoryMap args = new IntMemoryMap();
                args.put(DNNL_ARG_SRC, wrap(src, l.in(0)));
                args.put(DNNL_ARG_DST, wrap(dst, l.out(0)));
                prims.forward().execute(strm, args);
            } else {
                if (max) {
                    IntMemoryMap fwd = new IntMemoryMap();
                    fwd.put(DNNL_ARG_SRC, wrap(src, l.in(0)));
                    fwd.put(DNNL_ARG_DST, prims.scratchDst());
                    fwd.put(DNNL_ARG_WORKSPACE, prims.workspace());
                    prims.trainingForward().execute(strm, fwd);
                }
                IntMemoryMap args = new IntMemoryMap();
                args.put(DNNL_ARG_DIFF_DST, wrap(dst, l.in(1)));
                args.put(DNNL_ARG_DIFF_SRC, wrap(src, l.out(0)));
                if (max) {
                    args.put(DNNL_ARG_WORKSPACE, prims.workspace());
                }
                prims.backward().execute(strm, args);
            }
            strm._wait();
        }
    }

    // ------------------------------------------------------------------ elementwise and layout

    private static org.bytedeco.dnnl.global.dnnl.algorithm eltwiseAlgorithm(Op op) {
        return op == Op.RELU ? org.bytedeco.dnnl.global.dnnl.algorithm.eltwise_relu : org.bytedeco.dnnl.global.dnnl.algorithm.eltwise_clip_v2;
    }

    /** oneDNN's eltwise runs ReLU and clip; clip_v2 is torch's hardtanh (the bounds themselves pass no gradient). */
    static boolean supportsEltwise(Op op) {
        return op == Op.RELU || op == Op.CLIP;
    }

    private eltwise_forward.primitive_desc eltwisePd(memory.desc d, Op op, float lo, float hi) {
        return new eltwise_forward.primitive_desc(eng, org.bytedeco.dnnl.global.dnnl.prop_kind.forward_training, eltwiseAlgorithm(op), d, d, lo, hi);
    }

    /** ReLU or clip forward over the flat operand: layout-blind, vectorised, on oneDNN's threads. */
    synchronized void eltwise(Launch l) {
        Op op = l.op();
        float lo = op == Op.RELU ? 0f : (float) ((Attrs.Clip) l.attrs()).min();
        float hi = op == Op.RELU ? 0f : (float) ((Attrs.Clip) l.attrs()).max();
        try (PointerScope _ = new PointerScope()) {
            memory.desc d = flat(l.in(0));
            primitive p = cached("eltwise" + op + l.in(0).elementCount() + "/" + lo + "/" + hi,
                    () -> new eltwise_forward(eltwisePd(d, op, lo, hi)));
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_SRC, wrap(d, l.in(0)));
            args.put(DNNL_ARG_DST, wrap(d, l.out(0)));
            p.execute(strm, args);
            strm._wait();
        }
    }

    /** The gradient of ReLU or clip: inputs x (the forward input) and g; output g where x is inside the bounds. */
    synchronized void eltwiseGrad(Launch l) {
        Attrs.ActGrad a = (Attrs.ActGrad) l.attrs();
        Op op = a.forward();
        float lo = op == Op.RELU ? 0f : (float) a.min();
        float hi = op == Op.RELU ? 0f : (float) a.max();
        try (PointerScope _ = new PointerScope()) {
            memory.desc d = flat(l.in(0));
            primitive p = cached("eltwiseBwd" + op + l.in(0).elementCount() + "/" + lo + "/" + hi,
                    () -> new eltwise_backward(new eltwise_backward.primitive_desc(eng, eltwiseAlgorithm(op), d, d, d, lo, hi,
                            eltwisePd(d, op, lo, hi))));
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_SRC, wrap(d, l.in(0)));
            args.put(DNNL_ARG_DIFF_DST, wrap(d, l.in(1)));
            args.put(DNNL_ARG_DIFF_SRC, wrap(d, l.out(0)));
            p.execute(strm, args);
            strm._wait();
        }
    }

    /** a + b of one shape and layout (residual sums, gradient accumulation), in place when the output is a. */
    synchronized void addSameShape(Launch l) {
        try (PointerScope _ = new PointerScope()) {
            memory.desc d = flat(l.in(0));
            primitive p = cached("add" + l.in(0).elementCount(),
                    () -> new binary(new binary.primitive_desc(eng, org.bytedeco.dnnl.global.dnnl.algorithm.binary_add, d, d, d)));
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_SRC_0, wrap(d, l.in(0)));
            args.put(DNNL_ARG_SRC_1, wrap(d, l.in(1)));
            args.put(DNNL_ARG_DST, wrap(d, l.out(0)));
            p.execute(strm, args);
            strm._wait();
        }
    }

    /** Layout conversion (row-major to channels-last or back) with oneDNN's reorder. */
    synchronized void layout(Launch l) {
        try (PointerScope _ = new PointerScope()) {
            memory.desc from = desc(l.in(0));
            memory.desc to = desc(l.out(0));
            primitive p = cached("layout" + l.in(0).shape() + layouts(l),
                    () -> new org.bytedeco.dnnl.reorder(new org.bytedeco.dnnl.reorder.primitive_desc(eng, from, eng, to)));
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_FROM, wrap(from, l.in(0)));
            args.put(DNNL_ARG_TO, wrap(to, l.out(0)));
            p.execute(strm, args);
            strm._wait();
        }
    }

    private static String key(Attrs.Conv a, Shape x, Shape w, Shape y) {
        return x + "" + w + y + Arrays.toString(a.strides()) + Arrays.toString(a.pads()) + Arrays.toString(a.dilations()) + a.groups();
    }

    @Override
    public synchronized void close() {
        primitives.values().forEach(Pointer::releaseReference);
        primitives.clear();
        for (PoolPrims p : pools.values()) {
            for (Pointer ptr : new Pointer[] {p.forward(), p.trainingForward(), p.backward(), p.workspace(), p.scratchDst()}) {
                if (ptr != null) {
                    ptr.releaseReference();
                }
            }
        }
        pools.clear();
        retained.forEach(Pointer::releaseReference);
        retained.clear();
        convPlans.clear();
        strm.close();
        eng.close();
    }
}
