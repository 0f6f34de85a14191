package dev.genbench.engine;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which memory {@link Layout} each op accepts and writes, in one table, so that backends and
 * backward rules need not know. Channels-last appears only where the backend prefers it
 * ({@link Backend#prefersChannelsLast}): a convolution then writes channels-last FP32 activations,
 * the ops in {@link #FOLLOWS_INPUT} keep them so (their kernels are layout-blind loops or oneDNN
 * primitives told the layout), and any other op gets row-major operands, converted by a recorded
 * {@link Op#LAYOUT} op so that autodiff converts the gradient back. For the CNNs we train this
 * means conversions only where the network leaves its convolutional trunk (global pooling).
 */
final class LayoutRules {
    private LayoutRules() {}

    /**
     * Ops whose first output has the first input's layout and whose other rank-4 operands must share
     * it. Elementwise binary ops belong here only when both operands have the output's shape.
     */
    private static final Set<Op> FOLLOWS_INPUT = EnumSet.of(
            Op.NEG, Op.EXP, Op.LOG, Op.SQRT, Op.RELU, Op.CLIP, Op.SIGMOID, Op.TANH, Op.ERF, Op.GELU,
            Op.ACT_GRAD, Op.BATCH_NORM, Op.BATCH_NORM_GRAD, Op.MAX_POOL, Op.AVG_POOL, Op.MAX_POOL_GRAD,
            Op.AVG_POOL_GRAD, Op.CONV2D_DATA_GRAD);

    private static final Set<Op> BINARY = EnumSet.of(Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.POW);

    /** The inputs as the op needs them: converted (by recorded ops) where their layout does not fit. */
    static Tensor[] adapt(Op op, Attrs attrs, Tensor[] inputs) {
        if (op == Op.CONV2D && inputs[0].layout() == Layout.ROW_MAJOR && inputs[0].dtype() == DType.FP32
                && inputs[0].backend().prefersChannelsLast()) {
            // The trunk's first convolution: its input goes channels-last too, as torch's
            // channels_last models take theirs. oneDNN's kernels for a row-major input and a
            // channels-last output summed the weight gradient of MobileNetV2's stem 5x less
            // accurately than torch (relative to float64, TorchvisionParityTest).
            Tensor[] out = inputs.clone();
            out[0] = Ops.toLayout(inputs[0], Layout.CHANNELS_LAST);
            return out;
        }
        if (op == Op.LAYOUT || !anyChannelsLast(inputs)) {
            return inputs;
        }
        Tensor[] out = inputs.clone();
        Layout first = inputs[0].layout();
        // A backend that does not prefer channels-last has no kernels for it beyond the conversion.
        boolean keep = inputs[0].backend().prefersChannelsLast();
        boolean follows = keep && (FOLLOWS_INPUT.contains(op) || sameShapeBinary(op, inputs));
        for (int i = 0; i < out.length; i++) {
            Layout wanted;
            if (!keep) {
                wanted = Layout.ROW_MAJOR;
            } else if (op == Op.CONV2D || op == Op.CONV2D_WEIGHTS_GRAD) {
                // Activations and their gradients in any layout; weights are parameters, always row-major.
                wanted = op == Op.CONV2D && i == 1 ? Layout.ROW_MAJOR : out[i].layout();
            } else if (op == Op.CONV2D_DATA_GRAD) {
                wanted = i == 0 ? out[i].layout() : Layout.ROW_MAJOR;
            } else if (follows) {
                wanted = out[i].shape().rank() == 4 ? first : Layout.ROW_MAJOR;
            } else {
                wanted = Layout.ROW_MAJOR;
            }
            out[i] = Ops.toLayout(out[i], wanted);
        }
        return out;
    }

    /** The layout of output {@code index}, given the adapted inputs. */
    static Layout output(Op op, Attrs attrs, Tensor[] inputs, int index, Shape shape, DType dtype) {
        if (shape.rank() != 4) {
            return Layout.ROW_MAJOR;
        }
        if (op == Op.LAYOUT) {
            return ((Attrs.ToLayout) attrs).layout();
        }
        if (op == Op.CONV2D) {
            return dtype == DType.FP32 && inputs[0].backend().prefersChannelsLast() ? Layout.CHANNELS_LAST : Layout.ROW_MAJOR;
        }
        if (index == 0 && (FOLLOWS_INPUT.contains(op) || sameShapeBinary(op, inputs))) {
            return inputs[0].layout();
        }
        return Layout.ROW_MAJOR;
    }

    private static boolean sameShapeBinary(Op op, Tensor[] inputs) {
        return BINARY.contains(op) && inputs[0].shape().equals(inputs[1].shape());
    }

    private static boolean anyChannelsLast(Tensor[] inputs) {
        for (Tensor t : inputs) {
            if (t.layout() == Layout.CHANNELS_LAST) {
                return true;
            }
        }
        return false;
    }
}
