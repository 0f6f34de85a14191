package dev.genbench.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.Autograd;
import dev.genbench.engine.DType;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.TensorScope;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shipped oneDNN kernels (FP32) against the plain-Java reference run in FP64 on the same
 * inputs: forward output and every gradient (backward-data and backward-weights for convolution,
 * both operands for matmul, input/scale/shift for batch norm, whose running statistics after
 * the step are compared too; pooling backward). Tolerance follows from FP32: atol + |ref| * eps with eps = 1e-5
 * relative to the largest reference magnitude (sums of up to a few hundred products).
 */
class OneDnnParityTest {

    private static CpuBackend fast;
    private static CpuBackend plain;
    private static CpuBackend chosen;
    private static CpuBackend reference;

    @BeforeAll
    static void open() {
        fast = CpuBackend.create();
        plain = CpuBackend.create(CpuBackend.ConvLayout.PLAIN);
        chosen = CpuBackend.create(CpuBackend.ConvLayout.ONEDNN_CHOSEN);
        reference = CpuBackend.reference();
    }

    @AfterAll
    static void close() {
        fast.close();
        plain.close();
        chosen.close();
        reference.close();
    }

    private record Case(String name, int[][] shapes, int differentiable, BiFunction<Tensor, Tensor[], Tensor> f) {
        Case(String name, int[][] shapes, BiFunction<Tensor, Tensor[], Tensor> f) {
            this(name, shapes, shapes.length, f);
        }
    }

    private static Attrs.Pool pool(int k, int s, int pad, boolean includePad) {
        return new Attrs.Pool(new int[] {k, k}, new int[] {s, s}, new int[] {pad, pad, pad, pad}, includePad);
    }

    private static Attrs.Conv conv(int sh, int sw, int[] pads, int dh, int dw, int groups) {
        return new Attrs.Conv(new int[] {sh, sw}, pads, new int[] {dh, dw}, groups);
    }

    private static List<Case> cases() {
        return List.of(
                new Case("conv 3x3 stride 1 pad 1 with bias", new int[][] {{2, 8, 9, 9}, {16, 8, 3, 3}, {16}},
                        (x, p) -> Ops.conv2d(x, p[0], p[1], conv(1, 1, new int[] {1, 1, 1, 1}, 1, 1, 1))),
                new Case("conv 7x7 stride 2 pad 3 (stem)", new int[][] {{2, 3, 20, 20}, {8, 3, 7, 7}},
                        (x, p) -> Ops.conv2d(x, p[0], null, conv(2, 2, new int[] {3, 3, 3, 3}, 1, 1, 1))),
                new Case("conv 1x1 stride 2", new int[][] {{2, 16, 8, 8}, {32, 16, 1, 1}},
                        (x, p) -> Ops.conv2d(x, p[0], null, conv(2, 2, new int[] {0, 0, 0, 0}, 1, 1, 1))),
                new Case("depthwise 3x3 stride 2", new int[][] {{2, 12, 9, 9}, {12, 1, 3, 3}, {12}},
                        (x, p) -> Ops.conv2d(x, p[0], p[1], conv(2, 2, new int[] {1, 1, 1, 1}, 1, 1, 12))),
                new Case("grouped, dilated, asymmetric pads and strides", new int[][] {{1, 6, 11, 10}, {9, 2, 3, 2}, {9}},
                        (x, p) -> Ops.conv2d(x, p[0], p[1], conv(2, 1, new int[] {2, 0, 1, 1}, 2, 3, 3))),
                new Case("matmul 2-d", new int[][] {{17, 33}, {33, 9}},
                        (x, p) -> Ops.matmul(x, p[0])),
                new Case("matmul batched with a broadcast 2-d operand", new int[][] {{3, 5, 16}, {16, 7}},
                        (x, p) -> Ops.matmul(x, p[0])),
                new Case("batch norm, training (running stats updated)", new int[][] {{4, 6, 5, 5}, {6}, {6}, {6}, {6}}, 3,
                        (x, p) -> Ops.batchNorm(x, p[0], p[1], p[2], p[3], new Attrs.BatchNorm(1e-5, 0.1, true))),
                new Case("batch norm, eval (running stats used)", new int[][] {{3, 5, 4, 4}, {5}, {5}, {5}, {5}}, 3,
                        (x, p) -> Ops.batchNorm(x, p[0], p[1], p[2], p[3], new Attrs.BatchNorm(1e-3, 0.1, false))),
                new Case("batch norm over [N, C] (BatchNorm1d)", new int[][] {{7, 3}, {3}, {3}, {3}, {3}}, 3,
                        (x, p) -> Ops.batchNorm(x, p[0], p[1], p[2], p[3], new Attrs.BatchNorm(1e-5, 0.2, true))),
                new Case("max pool 3x3 stride 2 pad 1 (ResNet stem)", new int[][] {{2, 3, 9, 9}},
                        (x, p) -> Ops.maxPool(x, pool(3, 2, 1, false))),
                new Case("max pool 2x2 stride 2", new int[][] {{2, 4, 8, 8}},
                        (x, p) -> Ops.maxPool(x, pool(2, 2, 0, false))),
                new Case("avg pool 3x3 stride 2 pad 1 excluding pads", new int[][] {{2, 3, 7, 7}},
                        (x, p) -> Ops.avgPool(x, pool(3, 2, 1, false))),
                new Case("avg pool 3x3 stride 1 pad 1 including pads", new int[][] {{1, 2, 6, 6}},
                        (x, p) -> Ops.avgPool(x, pool(3, 1, 1, true))),
                new Case("matmul 4-d attention-shaped", new int[][] {{2, 3, 6, 8}, {2, 3, 8, 6}},
                        (x, p) -> Ops.matmul(x, p[0])),
                // Channels-last: the layout the fast backend's CNNs run in (oneDNN's nhwc batch norm and
                // nhwc convolutions, pooling and eltwise); each result is read back in logical order.
                new Case("channels-last batch norm, training", new int[][] {{4, 19, 5, 3}, {19}, {19}, {19}, {19}}, 3,
                        (x, p) -> Ops.batchNorm(cl(x), p[0], p[1], p[2], p[3], new Attrs.BatchNorm(1e-5, 0.1, true))),
                new Case("channels-last batch norm, eval", new int[][] {{3, 40, 4, 4}, {40}, {40}, {40}, {40}}, 3,
                        (x, p) -> Ops.batchNorm(cl(x), p[0], p[1], p[2], p[3], new Attrs.BatchNorm(1e-3, 0.1, false))),
                new Case("channels-last batch norm then ReLU6 (fused on the reference only), training", new int[][] {{4, 11, 5, 3}, {11}, {11}, {11}, {11}}, 3,
                        (x, p) -> Ops.batchNormActivation(cl(Ops.mul(x, Ops.scalar(x, 4))), p[0], p[1], p[2], p[3], new Attrs.BatchNorm(1e-5, 0.1, true), 0, 6)),
                new Case("channels-last batch norm then ReLU (fused on the reference only), eval", new int[][] {{3, 9, 4, 4}, {9}, {9}, {9}, {9}}, 3,
                        (x, p) -> Ops.batchNormActivation(cl(x), p[0], p[1], p[2], p[3], new Attrs.BatchNorm(1e-3, 0.1, false), 0, Double.POSITIVE_INFINITY)),
                new Case("channels-last max pool 3x3 stride 2 pad 1", new int[][] {{2, 5, 9, 9}},
                        (x, p) -> Ops.maxPool(cl(x), pool(3, 2, 1, false))),
                new Case("channels-last avg pool 2x2", new int[][] {{2, 6, 8, 8}},
                        (x, p) -> Ops.avgPool(cl(x), pool(2, 2, 0, false))),
                new Case("channels-last relu6 and relu (oneDNN eltwise) and a residual sum", new int[][] {{2, 8, 5, 5}},
                        (x, p) -> Ops.add(Ops.relu6(Ops.mul(cl(x), cl(x))), Ops.relu(cl(x)))),
                new Case("channels-last MobileNetV2 block: conv, BN, relu6, depthwise, residual, global pool",
                        new int[][] {{2, 8, 7, 7}, {16, 8, 1, 1}, {16}, {16}, {16, 1, 3, 3}, {8, 16, 1, 1}, {16}, {16}}, 6,
                        (x, p) -> {
                            Tensor h = Ops.conv2d(x, p[0], null, conv(1, 1, new int[] {0, 0, 0, 0}, 1, 1, 1));
                            h = Ops.relu6(Ops.batchNorm(h, p[1], p[2], p[5], p[6], new Attrs.BatchNorm(1e-5, 0.1, true)));
                            h = Ops.relu6(Ops.conv2d(h, p[3], null, conv(1, 1, new int[] {1, 1, 1, 1}, 1, 1, 16)));
                            h = Ops.conv2d(h, p[4], null, conv(1, 1, new int[] {0, 0, 0, 0}, 1, 1, 1));
                            return Ops.globalAvgPool(Ops.add(h, x));
                        }));
    }

    /** The tensor stored channels-last (a recorded conversion, so its gradient is converted back). */
    private static Tensor cl(Tensor x) {
        return Ops.toLayout(x, dev.genbench.engine.Layout.CHANNELS_LAST);
    }

    @TestFactory
    Stream<DynamicTest> oneDnnMatchesTheJavaReference() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Random rnd = new Random(c.name().hashCode());
            double[][] data = new double[c.shapes().length][];
            for (int i = 0; i < data.length; i++) {
                data[i] = new double[Math.toIntExact(Shape.of(c.shapes()[i]).elementCount())];
                for (int j = 0; j < data[i].length; j++) {
                    // Operands past the differentiable ones are batch-norm running statistics;
                    // the last of them is a variance and must be positive.
                    boolean variance = i == data.length - 1 && c.differentiable() < data.length;
                    data[i][j] = variance ? 0.5 + rnd.nextDouble() : rnd.nextDouble() * 2 - 1;
                }
            }
            Result ref = run(reference, DType.FP64, c, data, rnd.nextLong());
            for (CpuBackend backend : new CpuBackend[] {fast, plain, chosen}) {
                String how = backend == fast ? " (default layouts)" : backend == plain ? " (plain layouts)" : " (oneDNN layouts)";
                Result got = run(backend, DType.FP32, c, data, 0);
                compare(c.name() + how + " output", ref.out, got.out);
                for (int i = 0; i < ref.grads.length; i++) {
                    compare(c.name() + how + (i < c.differentiable() ? " gradient of operand " : " value after the step of operand ") + i, ref.grads[i], got.grads[i]);
                }
            }
        }));
    }

    private record Result(double[] out, double[][] grads) {}

    private static Result run(CpuBackend backend, DType dtype, Case c, double[][] data, long seed) {
        try (TensorScope s = TensorScope.open()) {
            Tensor[] t = new Tensor[data.length];
            for (int i = 0; i < data.length; i++) {
                t[i] = Tensor.of(backend, dtype, Shape.of(c.shapes()[i]), data[i]).requiresGrad(i < c.differentiable());
            }
            Tensor[] rest = java.util.Arrays.copyOfRange(t, 1, t.length);
            if (rest.length == 1 && c.name().startsWith("conv 7x7")) {
                rest = new Tensor[] {rest[0], null};
            }
            Tensor y = c.f().apply(t[0], rest);
            // A fixed, position-dependent output gradient exercises every element.
            double[] g = new double[Math.toIntExact(y.elementCount())];
            for (int i = 0; i < g.length; i++) {
                g[i] = Math.sin(0.37 * i + 0.11);
            }
            Autograd.backward(y, Tensor.of(backend, dtype, y.shape(), g));
            double[][] grads = new double[t.length][];
            for (int i = 0; i < t.length; i++) {
                grads[i] = i < c.differentiable() ? t[i].grad().toDoubles() : t[i].toDoubles();
            }
            return new Result(y.toDoubles(), grads);
        }
    }

    private static void compare(String what, double[] ref, double[] got) {
        double scale = 0;
        for (double v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        double tol = 1e-6 + 1e-5 * scale;
        int bad = 0;
        StringBuilder msg = new StringBuilder();
        for (int i = 0; i < ref.length; i++) {
            if (!(Math.abs(ref[i] - got[i]) <= tol)) {
                if (bad++ < 10) {
                    msg.append(String.format("%n  index %d: reference %.8g, oneDNN %.8g", i, ref[i], got[i]));
                }
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + ref.length + " elements differ by more than " + tol + msg);
        }
        assertTrue(ref.length > 0);
    }
}
