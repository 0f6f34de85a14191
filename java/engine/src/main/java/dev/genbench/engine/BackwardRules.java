package dev.genbench.engine;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The one table of backward rules: for each differentiable op, how the gradients of its outputs
 * become gradients of its inputs. Rules are written with the same ops as the forward pass (run with
 * recording off), plus the {@code *_GRAD} kernels where a dedicated kernel is the honest way
 * (convolution, pooling, normalisation, elementwise derivatives). A rule returns one entry per
 * input, null where the input gets no gradient. Gradients that broadcasting spread are summed back
 * ({@link Ops#sumTo}).
 */
final class BackwardRules {
    private BackwardRules() {}

    /** A rule: node and the gradient of each output (null when that output got none). */
    @FunctionalInterface
    interface Rule {
        Tensor[] apply(Node n, Tensor[] g);
    }

    private static final Map<Op, Rule> RULES = new EnumMap<>(Op.class);

    private static void rule(Op op, Rule r) {
        if (RULES.put(op, r) != null) {
            throw new IllegalStateException("two backward rules for " + op);
        }
    }

    /** Gradients of the node's inputs, or an error naming an op without a rule. */
    static Tensor[] apply(Node n, Tensor[] g) {
        Rule r = RULES.get(n.op);
        if (r == null) {
            throw new UnsupportedOperationException("no backward rule for op " + n.op + " (output '" + n.outputs[0].name() + "')");
        }
        return r.apply(n, g);
    }

    static boolean has(Op op) {
        return RULES.containsKey(op);
    }

    private static Tensor[] grads(Tensor... g) {
        return g;
    }

    private static Tensor actGrad(Node n, Tensor g, double min, double max) {
        Tensor x = n.in(0);
        return Ops.apply1(Op.ACT_GRAD, new Attrs.ActGrad(n.op, min, max), x.shape(), x.dtype(), x, g);
    }

    /**
     * ReLU and clip pass the gradient where their output lies strictly inside the bounds, which is
     * exactly where their input did; reading the output lets the input go as soon as the forward is
     * done with it (a batch norm's output, in conv-BN-ReLU stacks).
     */
    private static Tensor maskGrad(Node n, Tensor g, double min, double max) {
        Tensor y = n.out(0);
        return Ops.apply1(Op.ACT_GRAD, new Attrs.ActGrad(n.op, min, max), y.shape(), y.dtype(), y, g);
    }

    /**
     * Whether the rule of {@code n} reads the values of its input {@code k} (or, with {@code
     * output}, of its output {@code k}), not only their shape, dtype, layout or requiresGrad flag.
     * A tensor that no recorded rule reads is freed as soon as the forward is done with it
     * ({@link Tensor#savedForBackward}), so a step's peak holds what backward needs and no more.
     * Kept beside the rules it describes; an op not listed is taken to read all its operands.
     */
    static boolean reads(Node n, int k, boolean output) {
        return switch (n.op) {
            case ADD, SUB, NEG, CAST, REDUCE_SUM, REDUCE_MEAN, LAYOUT, RESHAPE, TRANSPOSE, CONCAT, SLICE, EXPAND -> false;
            case RELU, CLIP -> output && k == 0;
            case DROPOUT -> output && k == 1;
            case GATHER -> !output && k == 1;
            case CONV2D -> !output && k < 2;
            case MATMUL, MAX_POOL, AVG_POOL -> !output;
            case BATCH_NORM -> output ? k > 0 || ((Attrs.BatchNorm) n.attrs).clips() : k < 2;
            default -> true;
        };
    }

    static {
        rule(Op.ADD, (n, g) -> grads(Ops.sumTo(g[0], n.in(0).shape()), Ops.sumTo(g[0], n.in(1).shape())));
        rule(Op.SUB, (n, g) -> grads(Ops.sumTo(g[0], n.in(0).shape()), Ops.sumTo(Ops.neg(g[0]), n.in(1).shape())));
        rule(Op.MUL, (n, g) -> grads(
                n.in(0).requiresGrad() ? Ops.sumTo(Ops.mul(g[0], n.in(1)), n.in(0).shape()) : null,
                n.in(1).requiresGrad() ? Ops.sumTo(Ops.mul(g[0], n.in(0)), n.in(1).shape()) : null));
        // d(a/b)/db = -a/b^2 = -y/b
        rule(Op.DIV, (n, g) -> grads(
                n.in(0).requiresGrad() ? Ops.sumTo(Ops.div(g[0], n.in(1)), n.in(0).shape()) : null,
                n.in(1).requiresGrad() ? Ops.sumTo(Ops.neg(Ops.div(Ops.mul(g[0], n.out(0)), n.in(1))), n.in(1).shape()) : null));
        // d(a^b)/da = b a^(b-1); d(a^b)/db = a^b ln a
        rule(Op.POW, (n, g) -> {
            Tensor a = n.in(0);
            Tensor b = n.in(1);
            Tensor ga = null;
            Tensor gb = null;
            if (a.requiresGrad()) {
                Tensor bm1 = Ops.sub(b, Ops.scalar(b, 1));
                ga = Ops.sumTo(Ops.mul(g[0], Ops.mul(b, Ops.pow(a, bm1))), a.shape());
            }
            if (b.requiresGrad()) {
                gb = Ops.sumTo(Ops.mul(g[0], Ops.mul(n.out(0), Ops.log(a))), b.shape());
            }
            return grads(ga, gb);
        });
        rule(Op.NEG, (n, g) -> grads(Ops.neg(g[0])));
        rule(Op.EXP, (n, g) -> grads(Ops.mul(g[0], n.out(0))));
        rule(Op.LOG, (n, g) -> grads(Ops.div(g[0], n.in(0))));
        rule(Op.SQRT, (n, g) -> grads(Ops.div(g[0], Ops.mul(n.out(0), Ops.scalar(n.out(0), 2)))));
        rule(Op.RELU, (n, g) -> grads(maskGrad(n, g[0], 0, 0)));
        rule(Op.CLIP, (n, g) -> {
            Attrs.Clip c = (Attrs.Clip) n.attrs;
            return grads(maskGrad(n, g[0], c.min(), c.max()));
        });
        rule(Op.SIGMOID, (n, g) -> grads(actGrad(n, g[0], 0, 0)));
        rule(Op.TANH, (n, g) -> grads(actGrad(n, g[0], 0, 0)));
        rule(Op.ERF, (n, g) -> grads(actGrad(n, g[0], 0, 0)));
        rule(Op.GELU, (n, g) -> grads(actGrad(n, g[0], 0, 0)));
        rule(Op.CAST, (n, g) -> grads(Ops.cast(g[0], n.in(0).dtype())));

        rule(Op.REDUCE_SUM, (n, g) -> grads(Ops.expand(keepDims(g[0], n), n.in(0).shape())));
        rule(Op.REDUCE_MEAN, (n, g) -> {
            long count = n.in(0).elementCount() / Math.max(1, n.out(0).elementCount());
            Tensor scaled = Ops.mul(g[0], Ops.scalar(g[0], 1.0 / count));
            return grads(Ops.expand(keepDims(scaled, n), n.in(0).shape()));
        });
        rule(Op.REDUCE_MAX, (n, g) -> {
            Tensor x = n.in(0);
            return grads(Ops.apply1(Op.REDUCE_MAX_GRAD, n.attrs, x.shape(), x.dtype(), x, n.out(0), g[0]));
        });

        rule(Op.LAYOUT, (n, g) -> grads(Ops.toLayout(g[0], n.in(0).layout())));
        rule(Op.RESHAPE, (n, g) -> grads(Ops.reshape(g[0], n.in(0).shape())));
        rule(Op.TRANSPOSE, (n, g) -> {
            int[] perm = ((Attrs.Transpose) n.attrs).perm();
            int[] inverse = new int[perm.length];
            for (int i = 0; i < perm.length; i++) {
                inverse[perm[i]] = i;
            }
            return grads(Ops.transpose(g[0], inverse));
        });
        rule(Op.CONCAT, (n, g) -> {
            int axis = ((Attrs.Axis) n.attrs).axis();
            Tensor[] out = new Tensor[n.inputs.length];
            long start = 0;
            for (int i = 0; i < out.length; i++) {
                long len = n.in(i).shape().dim(axis);
                if (n.in(i).requiresGrad()) {
                    out[i] = Ops.slice(g[0], new long[] {start}, new long[] {start + len}, new int[] {axis}, null);
                }
                start += len;
            }
            return out;
        });
        rule(Op.SLICE, (n, g) -> {
            Tensor x = n.in(0);
            return grads(Ops.apply1(Op.SLICE_GRAD, new Attrs.SliceGrad((Attrs.Slice) n.attrs, x.shape()), x.shape(), x.dtype(), g[0]));
        });
        rule(Op.GATHER, (n, g) -> {
            Tensor x = n.in(0);
            int axis = ((Attrs.Axis) n.attrs).axis();
            return grads(Ops.apply1(Op.GATHER_GRAD, new Attrs.GatherGrad(axis, x.shape()), x.shape(), x.dtype(), g[0], n.in(1)), null);
        });
        rule(Op.EXPAND, (n, g) -> grads(Ops.sumTo(g[0], n.in(0).shape())));

        // C = A B: dA = dC B^T, dB = A^T dC, each summed over batch dims it was broadcast along. A transpose
        // is a copy, so each product is formed whichever way copies less: dB = A^T dC or (dC^T A)^T, which
        // for a linear head (A: batch x features, dC: batch x 1) avoids copying the whole input every step.
        rule(Op.MATMUL, (n, g) -> {
            Tensor a = n.in(0);
            Tensor b = n.in(1);
            return grads(
                    a.requiresGrad() ? Ops.sumTo(productWithTransposedRight(g[0], b), a.shape()) : null,
                    b.requiresGrad() ? Ops.sumTo(productWithTransposedLeft(a, g[0]), b.shape()) : null);
        });
        rule(Op.CONV2D, (n, g) -> {
            Attrs.Conv a = (Attrs.Conv) n.attrs;
            Tensor x = n.in(0);
            Tensor w = n.in(1);
            Tensor gx = x.requiresGrad()
                    ? Ops.apply1(Op.CONV2D_DATA_GRAD, new Attrs.ConvGrad(a, x.shape()), x.shape(), x.dtype(), g[0], w) : null;
            Tensor gw = w.requiresGrad()
                    ? Ops.apply1(Op.CONV2D_WEIGHTS_GRAD, new Attrs.ConvGrad(a, w.shape()), w.shape(), w.dtype(), x, g[0]) : null;
            if (n.inputs.length == 2) {
                return grads(gx, gw);
            }
            Tensor gb = n.in(2).requiresGrad() ? Ops.sum(g[0], false, 0, 2, 3) : null;
            return grads(gx, gw, gb);
        });
        rule(Op.MAX_POOL, (n, g) -> {
            Tensor x = n.in(0);
            return grads(Ops.apply1(Op.MAX_POOL_GRAD, new Attrs.PoolGrad((Attrs.Pool) n.attrs, x.shape()), x.shape(), x.dtype(), x, g[0]));
        });
        rule(Op.AVG_POOL, (n, g) -> {
            Tensor x = n.in(0);
            return grads(Ops.apply1(Op.AVG_POOL_GRAD, new Attrs.PoolGrad((Attrs.Pool) n.attrs, x.shape()), x.shape(), x.dtype(), x, g[0]));
        });
        rule(Op.BATCH_NORM, (n, g) -> {
            Tensor x = n.in(0);
            Tensor c = n.in(1);
            Attrs.BatchNorm a = (Attrs.BatchNorm) n.attrs;
            // A fused clip passes the gradient where the output lies strictly inside its bounds, which
            // is where its input did: the clipped output alone decides (torch's hardtanh/ReLU rule).
            Tensor gy = a.clips()
                    ? Ops.apply1(Op.ACT_GRAD, new Attrs.ActGrad(Op.CLIP, a.clipMin(), a.clipMax()), x.shape(), x.dtype(), n.out(0), g[0])
                    : g[0];
            Tensor[] r = Ops.apply(Op.BATCH_NORM_GRAD, n.attrs, new Tensor[] {x, gy, c, n.out(1), n.out(2)},
                    new Shape[] {x.shape(), c.shape(), c.shape()}, new DType[] {x.dtype(), x.dtype(), x.dtype()}, 0);
            return grads(r[0], r[1], r[2], null, null);
        });
        rule(Op.LAYER_NORM, (n, g) -> {
            Tensor x = n.in(0);
            Tensor[] r = Ops.apply(Op.LAYER_NORM_GRAD, n.attrs, new Tensor[] {x, g[0], n.in(1), n.out(1), n.out(2)},
                    new Shape[] {x.shape(), n.in(1).shape(), n.in(2).shape()}, new DType[] {x.dtype(), x.dtype(), x.dtype()}, 0);
            return grads(r[0], r[1], r[2]);
        });
        // y = softmax(x): dx = y * (dy - sum(dy * y, axis))
        rule(Op.SOFTMAX, (n, g) -> {
            int axis = ((Attrs.Axis) n.attrs).axis();
            Tensor y = n.out(0);
            Tensor dot = Ops.sum(Ops.mul(g[0], y), true, axis);
            return grads(Ops.mul(y, Ops.sub(g[0], dot)));
        });
        rule(Op.DROPOUT, (n, g) -> grads(Ops.mul(g[0], n.out(1))));
        // d/dx = sigmoid(x) - t, d/dt = -x; divided by N for the mean.
        rule(Op.BCE_WITH_LOGITS, (n, g) -> {
            Tensor x = n.in(0);
            Tensor t = n.in(1);
            boolean mean = ((Attrs.Bce) n.attrs).mean();
            Tensor scale = mean ? Ops.mul(g[0], Ops.scalar(g[0], 1.0 / x.elementCount())) : g[0];
            Tensor gx = Ops.mul(Ops.sub(Ops.sigmoid(x), t), scale);
            Tensor gt = t.requiresGrad() ? Ops.mul(Ops.neg(x), scale) : null;
            return grads(gx, gt);
        });
    }

    /** The reduction's output gradient reshaped to keep-dims form, ready to expand to the input. */
    private static Tensor keepDims(Tensor g, Node n) {
        Attrs.Reduce r = (Attrs.Reduce) n.attrs;
        if (r.keepDims()) {
            return g;
        }
        int[] d = n.in(0).shape().dims();
        for (int a : r.axes()) {
            d[a] = 1;
        }
        return Ops.reshape(g, Shape.of(d));
    }

    /** Ops with a rule; the *_GRAD kernels have none (tests pin that this list is complete). */
    static Op[] differentiable() {
        return Arrays.stream(Op.values()).filter(RULES::containsKey).toArray(Op[]::new);
    }

    /** X^T Y, as transpose(Y^T X) when that copies fewer elements than transposing X. */
    private static Tensor productWithTransposedLeft(Tensor x, Tensor y) {
        long direct = x.shape().elementCount();
        long swapped = y.shape().elementCount() + (long) x.shape().dim(-1) * y.shape().dim(-1) * batchOf(x, y);
        return swapped < direct
                ? Ops.transposeLast2(Ops.matmul(Ops.transposeLast2(y), x))
                : Ops.matmul(Ops.transposeLast2(x), y);
    }

    /** X Y^T, as transpose(Y X^T) when that copies fewer elements than transposing Y. */
    private static Tensor productWithTransposedRight(Tensor x, Tensor y) {
        long direct = y.shape().elementCount();
        long swapped = x.shape().elementCount() + (long) x.shape().dim(-2) * y.shape().dim(-2) * batchOf(x, y);
        return swapped < direct
                ? Ops.transposeLast2(Ops.matmul(y, Ops.transposeLast2(x)))
                : Ops.matmul(x, Ops.transposeLast2(y));
    }

    /** The number of matrices in a batched product (1 for plain 2-d products). */
    private static long batchOf(Tensor x, Tensor y) {
        Tensor bigger = x.shape().rank() >= y.shape().rank() ? x : y;
        long n = 1;
        for (int i = 0; i < bigger.shape().rank() - 2; i++) {
            n *= bigger.shape().dim(i);
        }
        return n;
    }
}
