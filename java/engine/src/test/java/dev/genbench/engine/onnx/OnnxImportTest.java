package dev.genbench.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.genbench.engine.Autograd;
import dev.genbench.engine.DType;
import dev.genbench.engine.Fixture;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.TensorScope;
import dev.genbench.engine.cpu.CpuBackend;
import dev.genbench.engine.graph.GraphNode;
import dev.genbench.engine.graph.HostValue;
import dev.genbench.engine.graph.NodeAttr;
import dev.genbench.engine.graph.TrainableGraph;
import dev.genbench.engine.optim.Sgd;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * torch-exported models imported and trained one step: logits and loss in training mode, every
 * parameter's gradient, the batch-norm running statistics after the step, and eval-mode logits,
 * against fixtures from src/test/python/make_onnx_fixtures.py. Tolerance: per tensor,
 * max |engine - torch| <= 1e-4 * max |torch| (FP32 on the oneDNN backend), with a floor of 1e-7
 * for tensors whose exact value is zero (a conv bias feeding batch norm has a zero gradient, and
 * both frameworks return rounding noise of about 1e-9 there).
 */
class OnnxImportTest {

    private static CpuBackend cpu;

    @BeforeAll
    static void open() {
        cpu = CpuBackend.create();
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(OnnxImportTest.class.getResource("/fixtures/" + name).toURI());
    }

    @Test
    void tinyCnnMatchesTorchForwardGradientsAndRunningStats() throws Exception {
        checkAgainstTorch("tiny_cnn");
    }

    @Test
    void tinyVitMatchesTorchForwardAndGradients() throws Exception {
        checkAgainstTorch("tiny_vit");
    }

    @Test
    void tinyResNetFromTorchvisionBlocksMatchesTorch() throws Exception {
        checkAgainstTorch("tiny_resnet");
    }

    @Test
    void tinyMobileNetFromTorchvisionBlocksMatchesTorch() throws Exception {
        checkAgainstTorch("tiny_mobilenet");
    }

    @Test
    void torchvisionVisionTransformerMatchesTorch() throws Exception {
        checkAgainstTorch("torchvision_vit");
    }

    private static void checkAgainstTorch(String name) throws Exception {
        Fixture f = Fixture.load(name + ".txt");
        try (TrainableGraph g = OnnxImporter.load(resource(name + ".onnx"), cpu); TensorScope s = TensorScope.open()) {
            int params = 0;
            for (var e : f.entries().entrySet()) {
                if (e.getKey().startsWith("param.")) {
                    String pn = e.getKey().substring("param.".length());
                    Tensor p = g.parameters().get(pn);
                    if (p == null) {
                        fail(name + ": torch parameter '" + pn + "' is not a graph parameter; graph has " + g.parameters().keySet());
                    }
                    compare(name + " initializer " + pn, e.getValue().values(), p.toDoubles());
                    params++;
                }
                if (e.getKey().startsWith("buffer.")) {
                    // The exporter traces a training-mode forward; start from torch's buffers, not the traced ones.
                    g.buffers().get(e.getKey().substring("buffer.".length())).copyFrom(e.getValue().values());
                }
            }
            assertEquals(params, g.parameters().size(), name + ": every graph parameter is a torch parameter");

            g.mode(TrainableGraph.Mode.TRAIN);
            Tensor x = f.tensor(cpu, DType.FP32, "x");
            Tensor y = f.tensor(cpu, DType.FP32, "y");
            Tensor logits = g.forward(Map.of("x", x)).get("logits");
            compare(name + " train logits", f.get("train.logits").values(), logits.toDoubles());
            Tensor loss = Ops.bceWithLogits(Ops.reshape(logits, y.shape()), y, true);
            assertEquals(f.scalar("train.loss"), loss.item(), 1e-5 * Math.abs(f.scalar("train.loss")), name + " loss");
            Autograd.backward(loss);
            for (var p : g.parameters().entrySet()) {
                compare(name + " gradient of " + p.getKey(), f.get("grad." + p.getKey()).values(), p.getValue().grad().toDoubles());
            }
            for (var b : g.buffers().entrySet()) {
                compare(name + " running stat " + b.getKey(), f.get("after." + b.getKey()).values(), b.getValue().toDoubles());
            }
            g.mode(TrainableGraph.Mode.EVAL);
            compare(name + " eval logits", f.get("eval.logits").values(), g.forward(Map.of("x", x)).get("logits").toDoubles());
        }
    }

    static void compare(String what, double[] expected, double[] got) {
        assertEquals(expected.length, got.length, what + ": element count");
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        double tol = 1e-4 * Math.max(scale, 1e-3);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - got[i]) <= tol)) {
                fail(what + "[" + i + "]: engine " + got[i] + ", torch " + expected[i] + " (tolerance " + tol + ")");
            }
        }
    }

    /**
     * Activations no backward rule reads are released as soon as the forward is done with them:
     * without recording (eval under GradMode off) nothing but the output stays; in training the
     * step's peak is lower than keeping every activation, and the gradients still match torch
     * (the checks above run with the release on).
     */
    @Test
    void forwardReleasesWhatBackwardDoesNotRead() throws Exception {
        Fixture f = Fixture.load("tiny_resnet.txt");
        try (CpuBackend own = CpuBackend.create(); TrainableGraph g = OnnxImporter.load(resource("tiny_resnet.onnx"), own);
             TensorScope s = TensorScope.open()) {
            Tensor x = f.tensor(own, DType.FP32, "x");
            g.mode(TrainableGraph.Mode.EVAL);
            g.forward(Map.of("x", x)); // folds the shape arithmetic once
            long before = own.liveBytes();
            own.resetPeakLiveBytes();
            Tensor out;
            try (dev.genbench.engine.GradMode _ = dev.genbench.engine.GradMode.off()) {
                out = g.forward(Map.of("x", x)).get("logits");
            }
            long held = own.liveBytes() - before;
            long peak = own.peakLiveBytes() - before;
            assertTrue(held <= out.elementCount() * 4 + 4096, "eval forward keeps " + held + " bytes past its output of " + out.elementCount() * 4);
            assertTrue(peak > 4 * held, "the forward did allocate activations (peak " + peak + " bytes)");

            g.mode(TrainableGraph.Mode.TRAIN);
            before = own.liveBytes();
            own.resetPeakLiveBytes();
            Tensor logits = g.forward(Map.of("x", x)).get("logits");
            long trainHeld = own.liveBytes() - before;
            long trainPeak = own.peakLiveBytes() - before;
            System.out.println("tiny_resnet training forward: holds " + trainHeld + " of a peak of " + trainPeak + " bytes");
            assertTrue(trainHeld < trainPeak, "training forward released activations: holds " + trainHeld + " of a peak of " + trainPeak);
            Autograd.backwardAndFree(Ops.sum(logits, false), logits);
            for (Tensor p : g.parameters().values()) {
                assertTrue(p.grad() != null && !p.grad().isClosed(), "every parameter got a gradient");
            }
        }
    }

    @Test
    void shapeArithmeticIsFoldedOnceForEachInputShape() throws Exception {
        try (TrainableGraph g = OnnxImporter.load(resource("tiny_cnn.onnx"), cpu); TensorScope s = TensorScope.open()) {
            assertTrue(g.nodes().stream().anyMatch(n -> n.opType().equals("Shape")), "the export keeps a Shape chain");
            Tensor x = Tensor.zeros(cpu, DType.FP32, Shape.of(3, 3, 8, 8), null);
            Tensor out = g.forward(Map.of("x", x)).get("logits");
            assertEquals(Shape.of(3, 1), out.shape());
            int folded = g.foldedValueCount(List.of(x.shape()));
            // Shape, Gather, Unsqueeze x2, Concat and the Constants/Casts feeding them and Clip.
            assertTrue(folded >= 6, "folded " + folded + " values");
            Tensor x5 = Tensor.zeros(cpu, DType.FP32, Shape.of(5, 3, 8, 8), null);
            assertEquals(Shape.of(5, 1), g.forward(Map.of("x", x5)).get("logits").shape(), "a new batch size folds anew");
        }
    }

    @Test
    void unsupportedOpIsNamedWithItsNodeAndModel() {
        GraphNode n = new GraphNode("/blocks.0/Mystery", "NonMaxSuppression", List.of("x"), List.of("y"), Map.of());
        var e = assertThrows(UnsupportedOperationException.class, () -> new TrainableGraph("detector.onnx", cpu, 17, List.of(n),
                List.of("x"), List.of("y"), Map.of(), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("detector.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("/blocks.0/Mystery"), e.getMessage());
        assertTrue(e.getMessage().contains("NonMaxSuppression"), e.getMessage());
    }

    @Test
    void exportedWeightsReimportWithTheSameValuesAndOutputs(@TempDir Path dir) throws Exception {
        Path source = resource("tiny_cnn.onnx");
        Path target = dir.resolve("tuned.onnx");
        Fixture f = Fixture.load("tiny_cnn.txt");
        double[] before;
        double[] expectedOut;
        Map<String, double[]> trained = new java.util.HashMap<>();
        try (TrainableGraph g = OnnxImporter.load(source, cpu); TensorScope s = TensorScope.open()) {
            before = g.parameters().get("fc.weight").toDoubles();
            Tensor x = f.tensor(cpu, DType.FP32, "x");
            Tensor y = f.tensor(cpu, DType.FP32, "y");
            try (Sgd opt = Sgd.create(List.copyOf(g.parameters().values()), 0.1, 0.9, 0, 0, false)) {
                Autograd.backwardAndFree(Ops.bceWithLogits(Ops.reshape(g.forward(Map.of("x", x)).get("logits"), y.shape()), y, true));
                opt.step();
            }
            g.parameters().forEach((k, v) -> trained.put(k, v.toDoubles()));
            g.buffers().forEach((k, v) -> trained.put(k, v.toDoubles()));
            g.mode(TrainableGraph.Mode.EVAL);
            expectedOut = g.forward(Map.of("x", x)).get("logits").toDoubles();
            OnnxExporter.exportWeights(g, source, target);
        }
        try (TrainableGraph g = OnnxImporter.load(target, cpu); TensorScope s = TensorScope.open()) {
            assertTrue(!java.util.Arrays.equals(before, g.parameters().get("fc.weight").toDoubles()), "the step changed the weights");
            g.parameters().forEach((k, v) -> assertArrayEquals(trained.get(k), v.toDoubles(), 0, k));
            g.buffers().forEach((k, v) -> assertArrayEquals(trained.get(k), v.toDoubles(), 0, k));
            g.mode(TrainableGraph.Mode.EVAL);
            assertArrayEquals(expectedOut, g.forward(Map.of("x", f.tensor(cpu, DType.FP32, "x"))).get("logits").toDoubles(), 0);
        }
    }

    /**
     * TF.js-converted graphs (the nsfwjs MobileNetV2) pad with explicit Pad nodes before stride-2
     * convolutions and use auto_pad SAME_UPPER elsewhere: both must equal a convolution with the
     * equivalent explicit pads.
     */
    @Test
    void padNodesAndSameUpperAutoPadEqualExplicitPads() {
        var pads = HostValue.ofLongs(Shape.of(8), 0, 0, 0, 0, 0, 0, 1, 1);
        Map<String, NodeAttr> stride2 = Map.of("kernel_shape", new NodeAttr.Ints(new long[] {3, 3}),
                "strides", new NodeAttr.Ints(new long[] {2, 2}));
        Map<String, NodeAttr> same = Map.of("kernel_shape", new NodeAttr.Ints(new long[] {3, 3}),
                "auto_pad", new NodeAttr.Text("SAME_UPPER"), "group", new NodeAttr.Int(4));
        var nodes = List.of(
                new GraphNode("pad", "Pad", List.of("x", "pads"), List.of("p"), Map.of()),
                new GraphNode("down", "Conv", List.of("p", "w"), List.of("d"), stride2),
                new GraphNode("depthwise", "Conv", List.of("d", "dw"), List.of("y"), same));
        java.util.Random rnd = new java.util.Random(5);
        try (TensorScope s = TensorScope.open()) {
            Tensor x = random(rnd, 2, 3, 8, 8);
            Tensor w = Tensor.unscoped(cpu, DType.FP32, Shape.of(4, 3, 3, 3), "w");
            Tensor dw = Tensor.unscoped(cpu, DType.FP32, Shape.of(4, 1, 3, 3), "dw");
            w.copyFrom(random(rnd, 4, 3, 3, 3).toDoubles());
            dw.copyFrom(random(rnd, 4, 1, 3, 3).toDoubles());
            try (TrainableGraph g = new TrainableGraph("tfjs-like", cpu, 13, nodes, List.of("x"), List.of("y"),
                    new java.util.LinkedHashMap<>(Map.of("w", w, "dw", dw)), Map.of(), Map.of("pads", pads))) {
                Tensor y = g.forward(Map.of("x", x)).get("y");
                Tensor d = Ops.conv2d(x, w, null, new dev.genbench.engine.Attrs.Conv(new int[] {2, 2}, new int[] {0, 0, 1, 1},
                        new int[] {1, 1}, 1));
                Tensor expected = Ops.conv2d(d, dw, null, new dev.genbench.engine.Attrs.Conv(new int[] {1, 1}, new int[] {1, 1, 1, 1},
                        new int[] {1, 1}, 4));
                assertEquals(Shape.of(2, 4, 4, 4), y.shape());
                compare("pad + same-upper conv", expected.toDoubles(), y.toDoubles());
            }
        }
    }

    private static Tensor random(java.util.Random rnd, int... dims) {
        Shape shape = Shape.of(dims);
        double[] v = new double[Math.toIntExact(shape.elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble() * 2 - 1;
        }
        return Tensor.of(cpu, DType.FP32, shape, v);
    }

    @Test
    void missingInputIsNamed() throws IOException, URISyntaxException {
        try (TrainableGraph g = OnnxImporter.load(resource("tiny_cnn.onnx"), cpu)) {
            var e = assertThrows(IllegalArgumentException.class, () -> g.forward(Map.of()));
            assertTrue(e.getMessage().contains("needs input 'x'"), e.getMessage());
        }
    }
}
