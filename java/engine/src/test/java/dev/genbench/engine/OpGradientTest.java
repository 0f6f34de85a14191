package dev.genbench.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.engine.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every differentiable op's backward rule against central finite differences in FP64 on the
 * plain-Java reference backend (the rules are backend-independent; the oneDNN kernels are pinned to
 * the reference by {@code OneDnnParityTest}).
 */
class OpGradientTest {

    private static Backend cpu;

    @BeforeAll
    static void open() {
        cpu = CpuBackend.reference();
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    /** One case: the op it covers, its inputs (made in the test's scope) and the function. */
    private record Case(Op op, String name, Function<Random, List<Tensor>> inputs, Function<List<Tensor>, Tensor> f) {}

    private static Tensor r(Random rnd, double lo, double hi, int... dims) {
        return GradCheck.random(cpu, DType.FP64, rnd, lo, hi, dims).requiresGrad(true);
    }

    private static Tensor c(Random rnd, double lo, double hi, int... dims) {
        return GradCheck.random(cpu, DType.FP64, rnd, lo, hi, dims);
    }

    private static Attrs.Conv conv(int stride, int pad, int dilation, int groups) {
        return new Attrs.Conv(new int[] {stride, stride}, new int[] {pad, pad, pad, pad}, new int[] {dilation, dilation}, groups);
    }

    private static List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        cs.add(new Case(Op.ADD, "add with broadcasting", rnd -> List.of(r(rnd, -1, 1, 2, 3, 4), r(rnd, -1, 1, 3, 1)), in -> Ops.add(in.get(0), in.get(1))));
        cs.add(new Case(Op.SUB, "sub with broadcasting", rnd -> List.of(r(rnd, -1, 1, 4), r(rnd, -1, 1, 2, 3, 4)), in -> Ops.sub(in.get(0), in.get(1))));
        cs.add(new Case(Op.MUL, "mul with broadcasting", rnd -> List.of(r(rnd, -1, 1, 2, 1, 4), r(rnd, -1, 1, 3, 1)), in -> Ops.mul(in.get(0), in.get(1))));
        cs.add(new Case(Op.DIV, "div with broadcasting", rnd -> List.of(r(rnd, -1, 1, 2, 3), r(rnd, 0.5, 2, 3)), in -> Ops.div(in.get(0), in.get(1))));
        cs.add(new Case(Op.POW, "pow", rnd -> List.of(r(rnd, 0.5, 2, 2, 3), r(rnd, -1.5, 1.5, 2, 3)), in -> Ops.pow(in.get(0), in.get(1))));
        cs.add(new Case(Op.NEG, "neg", rnd -> List.of(r(rnd, -1, 1, 5)), in -> Ops.neg(in.get(0))));
        cs.add(new Case(Op.EXP, "exp", rnd -> List.of(r(rnd, -2, 2, 5)), in -> Ops.exp(in.get(0))));
        cs.add(new Case(Op.LOG, "log", rnd -> List.of(r(rnd, 0.2, 3, 5)), in -> Ops.log(in.get(0))));
        cs.add(new Case(Op.SQRT, "sqrt", rnd -> List.of(r(rnd, 0.2, 3, 5)), in -> Ops.sqrt(in.get(0))));
        cs.add(new Case(Op.RELU, "relu", rnd -> List.of(r(rnd, -1, 1, 3, 4)), in -> Ops.relu(in.get(0))));
        cs.add(new Case(Op.CLIP, "relu6 (clip 0..6)", rnd -> List.of(r(rnd, -2, 8, 4, 5)), in -> Ops.relu6(in.get(0))));
        cs.add(new Case(Op.SIGMOID, "sigmoid", rnd -> List.of(r(rnd, -4, 4, 6)), in -> Ops.sigmoid(in.get(0))));
        cs.add(new Case(Op.TANH, "tanh", rnd -> List.of(r(rnd, -3, 3, 6)), in -> Ops.tanh(in.get(0))));
        cs.add(new Case(Op.ERF, "erf", rnd -> List.of(r(rnd, -3, 3, 8)), in -> Ops.erf(in.get(0))));
        cs.add(new Case(Op.GELU, "gelu", rnd -> List.of(r(rnd, -4, 4, 8)), in -> Ops.gelu(in.get(0))));
        cs.add(new Case(Op.CAST, "cast fp64 to fp32 and back", rnd -> List.of(r(rnd, -1, 1, 4)),
                in -> Ops.cast(Ops.mul(Ops.cast(in.get(0), DType.FP64), in.get(0)), DType.FP64)));
        cs.add(new Case(Op.REDUCE_SUM, "sum over axes 0 and 2", rnd -> List.of(r(rnd, -1, 1, 2, 3, 4)), in -> Ops.sum(in.get(0), false, 0, 2)));
        cs.add(new Case(Op.REDUCE_MEAN, "mean keeping dims", rnd -> List.of(r(rnd, -1, 1, 2, 3, 4)), in -> Ops.mean(in.get(0), true, 1)));
        cs.add(new Case(Op.REDUCE_MAX, "max over the last axis", rnd -> List.of(r(rnd, -1, 1, 3, 5)), in -> Ops.max(in.get(0), false, -1)));
        cs.add(new Case(Op.RESHAPE, "reshape", rnd -> List.of(r(rnd, -1, 1, 2, 6)), in -> Ops.mul(Ops.reshape(in.get(0), Shape.of(3, 4)), Ops.reshape(in.get(0), Shape.of(3, 4)))));
        cs.add(new Case(Op.TRANSPOSE, "transpose", rnd -> List.of(r(rnd, -1, 1, 2, 3, 4)), in -> Ops.transpose(in.get(0), 2, 0, 1)));
        cs.add(new Case(Op.CONCAT, "concat", rnd -> List.of(r(rnd, -1, 1, 2, 3), r(rnd, -1, 1, 2, 2)), in -> Ops.concat(1, in.get(0), in.get(1))));
        cs.add(new Case(Op.SLICE, "slice with steps and negative bounds", rnd -> List.of(r(rnd, -1, 1, 4, 7)),
                in -> Ops.slice(in.get(0), new long[] {1, -1}, new long[] {4, 0}, new int[] {0, 1}, new long[] {2, -2})));
        cs.add(new Case(Op.GATHER, "gather with a repeated index", rnd -> List.of(r(rnd, -1, 1, 3, 4)),
                in -> Ops.gather(in.get(0), Tensor.ofLongs(cpu, Shape.of(2, 2), 3, -1, 0, 3), 1)));
        cs.add(new Case(Op.LAYOUT, "to channels-last and back, through layout-blind and row-major-only ops", rnd -> List.of(r(rnd, -1, 1, 2, 3, 2, 4)),
                in -> Ops.sum(Ops.mul(Ops.relu(Ops.toLayout(in.get(0), Layout.CHANNELS_LAST)), in.get(0)), false, 1)));
        cs.add(new Case(Op.EXPAND, "expand", rnd -> List.of(r(rnd, -1, 1, 3, 1)), in -> Ops.expand(in.get(0), Shape.of(2, 3, 4))));
        cs.add(new Case(Op.MATMUL, "batched matmul with a broadcast operand", rnd -> List.of(r(rnd, -1, 1, 2, 3, 4), r(rnd, -1, 1, 4, 5)),
                in -> Ops.matmul(in.get(0), in.get(1))));
        cs.add(new Case(Op.CONV2D, "conv2d stride 2, pad 1, bias", rnd -> List.of(r(rnd, -1, 1, 2, 3, 5, 5), r(rnd, -1, 1, 4, 3, 3, 3), r(rnd, -1, 1, 4)),
                in -> Ops.conv2d(in.get(0), in.get(1), in.get(2), conv(2, 1, 1, 1))));
        cs.add(new Case(Op.CONV2D, "conv2d grouped, dilated, no bias", rnd -> List.of(r(rnd, -1, 1, 1, 4, 6, 6), r(rnd, -1, 1, 6, 2, 2, 2)),
                in -> Ops.conv2d(in.get(0), in.get(1), null, conv(1, 1, 2, 2))));
        cs.add(new Case(Op.CONV2D, "conv2d depthwise", rnd -> List.of(r(rnd, -1, 1, 2, 3, 5, 5), r(rnd, -1, 1, 3, 1, 3, 3), r(rnd, -1, 1, 3)),
                in -> Ops.conv2d(in.get(0), in.get(1), in.get(2), conv(1, 1, 1, 3))));
        cs.add(new Case(Op.MAX_POOL, "max pool 3x3 stride 2 pad 1", rnd -> List.of(r(rnd, -1, 1, 2, 2, 5, 5)),
                in -> Ops.maxPool(in.get(0), new Attrs.Pool(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1, 1, 1}, false))));
        cs.add(new Case(Op.AVG_POOL, "avg pool with padding, excluding pads", rnd -> List.of(r(rnd, -1, 1, 1, 2, 5, 5)),
                in -> Ops.avgPool(in.get(0), new Attrs.Pool(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1, 1, 1}, false))));
        cs.add(new Case(Op.REDUCE_MEAN, "global average pool", rnd -> List.of(r(rnd, -1, 1, 2, 3, 4, 4)), in -> Ops.globalAvgPool(in.get(0))));
        cs.add(new Case(Op.BATCH_NORM, "batch norm, training mode", rnd -> List.of(r(rnd, -1, 2, 3, 2, 3, 3), r(rnd, 0.5, 1.5, 2), r(rnd, -1, 1, 2), c(rnd, 0, 0, 2), c(rnd, 1, 1, 2)),
                in -> Ops.batchNorm(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), new Attrs.BatchNorm(1e-5, 0.1, true))));
        cs.add(new Case(Op.BATCH_NORM, "batch norm, eval mode", rnd -> List.of(r(rnd, -1, 2, 3, 2, 3, 3), r(rnd, 0.5, 1.5, 2), r(rnd, -1, 1, 2), c(rnd, -0.5, 0.5, 2), c(rnd, 0.5, 2, 2)),
                in -> Ops.batchNorm(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), new Attrs.BatchNorm(1e-5, 0.1, false))));
        cs.add(new Case(Op.BATCH_NORM, "batch norm with a fused ReLU6, training mode", rnd -> List.of(r(rnd, -3, 9, 3, 2, 3, 3), r(rnd, 2, 4, 2), r(rnd, 1, 3, 2), c(rnd, 0, 0, 2), c(rnd, 1, 1, 2)),
                in -> Ops.batchNormActivation(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), new Attrs.BatchNorm(1e-5, 0.1, true), 0, 6)));
        cs.add(new Case(Op.LAYER_NORM, "layer norm over the last axis", rnd -> List.of(r(rnd, -1, 2, 2, 3, 5), r(rnd, 0.5, 1.5, 5), r(rnd, -1, 1, 5)),
                in -> Ops.layerNorm(in.get(0), in.get(1), in.get(2), -1, 1e-5)));
        cs.add(new Case(Op.SOFTMAX, "softmax over axis 1", rnd -> List.of(r(rnd, -2, 2, 2, 4, 3)), in -> Ops.softmax(in.get(0), 1)));
        cs.add(new Case(Op.DROPOUT, "dropout p=0.3 with a fixed seed", rnd -> List.of(r(rnd, -1, 1, 4, 6)), in -> Ops.dropout(in.get(0), 0.3, 42)));
        cs.add(new Case(Op.BCE_WITH_LOGITS, "BCE with logits, mean", rnd -> List.of(r(rnd, -3, 3, 6), c(rnd, 0, 1, 6)),
                in -> Ops.bceWithLogits(in.get(0), in.get(1), true)));
        cs.add(new Case(Op.BCE_WITH_LOGITS, "BCE with logits, per element, target gradient too", rnd -> List.of(r(rnd, -3, 3, 6), r(rnd, 0, 1, 6)),
                in -> Ops.bceWithLogits(in.get(0), in.get(1), false)));
        return cs;
    }

    @TestFactory
    Stream<DynamicTest> backwardMatchesFiniteDifferences() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.op() + ": " + c.name(), () -> {
            try (TensorScope s = TensorScope.open()) {
                List<Tensor> in = c.inputs().apply(new Random(c.name().hashCode()));
                GradCheck.check(c.name(), cpu, DType.FP64, in, c.f(), GradCheck.Tolerance.FP64);
            }
        }));
    }

    @Test
    void everyDifferentiableOpHasAFiniteDifferenceCase() {
        Set<Op> covered = EnumSet.noneOf(Op.class);
        cases().forEach(c -> covered.add(c.op()));
        for (Op op : BackwardRules.differentiable()) {
            assertTrue(covered.contains(op), "no finite-difference case for " + op);
        }
    }

    @Test
    void constantPadPlacesTheValueAroundAndPassesGradientsToTheInsideOnly() {
        try (TensorScope s = TensorScope.open()) {
            Tensor x = Tensor.ofDoubles(cpu, Shape.of(1, 2, 2), 1, 2, 3, 4);
            Tensor y = Ops.pad(x, new long[] {0, 1, 0}, new long[] {0, 0, 2}, -1);
            assertEquals(Shape.of(1, 3, 4), y.shape());
            assertArrayEquals(new double[] {-1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1, -1}, y.toDoubles());
            assertTrue(Ops.pad(x, new long[3], new long[3], 0) == x, "no padding is the input itself");
            assertThrows(IllegalArgumentException.class, () -> Ops.pad(x, new long[] {0, -1, 0}, new long[3], 0));
        }
        try (TensorScope s = TensorScope.open()) {
            Random rnd = new Random(11);
            // TF-style "same" padding of a stride-2 convolution: one row and column at the end only.
            GradCheck.check("pad", cpu, DType.FP64, List.of(r(rnd, -1, 1, 2, 3, 3, 4)),
                    in -> Ops.mul(Ops.pad(in.get(0), new long[] {0, 0, 1, 0}, new long[] {0, 0, 1, 2}, 0.5),
                            Ops.pad(in.get(0), new long[] {0, 0, 1, 0}, new long[] {0, 0, 1, 2}, 0.5)),
                    GradCheck.Tolerance.FP64);
        }
    }

    @Test
    void gradientKernelsHaveNoRuleAndSayWhich() {
        for (Op op : Op.values()) {
            boolean kernelOnly = op.name().endsWith("_GRAD") || op.name().endsWith("_STEP");
            assertEquals(!kernelOnly, BackwardRules.has(op), op + (kernelOnly ? " should have no rule" : " needs a rule"));
        }
        try (TensorScope s = TensorScope.open()) {
            Tensor x = Tensor.ofDoubles(cpu, Shape.of(3), 1, 2, 3).requiresGrad(true);
            Tensor g = Tensor.ofDoubles(cpu, Shape.of(3), 1, 1, 1);
            Tensor y = Ops.apply1(Op.ACT_GRAD, new Attrs.ActGrad(Op.RELU, 0, 0), x.shape(), x.dtype(), x, g);
            var e = assertThrows(UnsupportedOperationException.class, () -> Autograd.backward(Ops.sum(y, false)));
            assertTrue(e.getMessage().contains("ACT_GRAD"), e.getMessage());
        }
    }

    @Test
    void valueUsedTwiceGetsBothContributionsAndBackwardAccumulates() {
        try (TensorScope s = TensorScope.open()) {
            Tensor x = Tensor.ofDoubles(cpu, Shape.of(2), 3, -2).requiresGrad(true);
            Autograd.backward(Ops.sum(Ops.mul(x, x), false)); // d/dx sum x^2 = 2x
            Autograd.backward(Ops.sum(x, false)); // + 1
            double[] g = x.grad().toDoubles();
            assertEquals(7, g[0], 1e-12);
            assertEquals(-3, g[1], 1e-12);
        }
    }

    @Test
    void backwardAndFreeClosesActivationsButKeepsLeavesAndWhatIsAskedFor() {
        try (TensorScope s = TensorScope.open()) {
            Tensor w = Tensor.ofDoubles(cpu, Shape.of(3), 0.5, -1, 2).requiresGrad(true);
            Tensor x = Tensor.ofDoubles(cpu, Shape.of(3), 1, 2, 3);
            Tensor h = Ops.mul(w, x);
            Tensor a = Ops.tanh(h);
            Tensor logits = Ops.add(a, h); // h is read by two nodes
            Tensor loss = Ops.sum(Ops.mul(logits, logits), false);
            Autograd.backwardAndFree(loss, logits);
            assertTrue(h.isClosed() && a.isClosed(), "intermediate activations are freed");
            assertTrue(!logits.isClosed() && !loss.isClosed() && !w.isClosed() && !x.isClosed());
            // d/dw sum((tanh(wx) + wx)^2) = 2 (tanh(wx) + wx) (1 - tanh^2(wx) + 1) x
            double[] g = w.grad().toDoubles();
            double[] wv = {0.5, -1, 2};
            double[] xv = {1, 2, 3};
            for (int i = 0; i < 3; i++) {
                double z = wv[i] * xv[i];
                double t = Math.tanh(z);
                assertEquals(2 * (t + z) * (2 - t * t) * xv[i], g[i], 1e-12);
            }
        }
    }

    @Test
    void dropoutKeepsAboutOneMinusPScaledAndIsReproducible() {
        try (TensorScope s = TensorScope.open()) {
            Tensor x = Tensor.zeros(cpu, DType.FP64, Shape.of(100_000), null);
            x.fill(1);
            double[] y = Ops.dropout(x, 0.2, 7).toDoubles();
            int kept = 0;
            for (double v : y) {
                if (v != 0) {
                    assertEquals(1.25, v, 1e-12);
                    kept++;
                }
            }
            assertEquals(0.8, kept / 100_000.0, 0.005);
            assertArrayEquals(y, Ops.dropout(x, 0.2, 7).toDoubles(), "same seed, same mask");
            assertTrue(!java.util.Arrays.equals(y, Ops.dropout(x, 0.2, 8).toDoubles()), "another seed, another mask");
        }
    }

    @Test
    void erfMatchesKnownValues() {
        Map<Double, Double> known = new LinkedHashMap<>();
        known.put(0.0, 0.0);
        known.put(0.5, 0.5204998778130465);
        known.put(1.0, 0.8427007929497149);
        known.put(-2.0, -0.9953222650189527);
        known.put(2.6, 0.9997639655834707);
        known.put(3.5, 0.9999992569016276);
        try (TensorScope s = TensorScope.open()) {
            double[] xs = known.keySet().stream().mapToDouble(Double::doubleValue).toArray();
            double[] ys = Ops.erf(Tensor.ofDoubles(cpu, Shape.of(xs.length), xs)).toDoubles();
            int i = 0;
            for (double expected : known.values()) {
                assertEquals(expected, ys[i++], 1e-14, "erf(" + xs[i - 1] + ")");
            }
        }
    }
}
