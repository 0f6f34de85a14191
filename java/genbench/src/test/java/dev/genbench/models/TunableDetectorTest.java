package dev.genbench.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genbench.console.UserError;
import dev.genbench.engine.Autograd;
import dev.genbench.engine.DType;
import dev.genbench.engine.GradMode;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.TensorScope;
import dev.genbench.engine.cpu.CpuBackend;
import dev.genbench.engine.graph.TrainableGraph;
import dev.genbench.engine.optim.Sgd;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code _tune} detector graph: its readout equals the torch fixture's features, and after a training
 * step (batch norm in train mode, so weights and running statistics move) the exported ONNX file, run by
 * ONNX Runtime, gives the engine's eval-mode logits and features.
 */
class TunableDetectorTest {
    static final Path FIXTURES = Path.of("src/test/resources/dev/genbench/models");
    /** The engine's torch-made MobileNetV2-style fixture: depthwise convolutions, batch norm, ReLU6, dropout. */
    static final Path TINY_MOBILENET = Path.of("../engine/src/test/resources/fixtures/tiny_mobilenet.onnx");
    /** The mini benchmark's nsfwjs MobileNetV2 (TF.js-converted: Pad, auto_pad SAME_UPPER), where it has been built. */
    static final Path NSFW_CARDS = Path.of("../../models/onnx");

    private static CpuBackend cpu;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        cpu = CpuBackend.create();
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Test
    void readoutEqualsTheTorchFixturesPooledFeatures() throws Exception {
        JsonNode fixture = new ObjectMapper().readTree(FIXTURES.resolve("tiny_backbone.json").toFile());
        var model = ModelCatalogue.load(FIXTURES).resolve("tiny_backbone_tune");
        assertEquals(ModelCatalogue.Variant.TUNE, model.variant());
        double[] input = new double[fixture.get("input").size()];
        for (int i = 0; i < input.length; i++) {
            input[i] = fixture.get("input").get(i).asDouble();
        }
        try (TunableDetector d = TunableDetector.create(model, cpu, null, 3); TensorScope s = TensorScope.open(); var off = GradMode.off()) {
            d.graph().mode(TrainableGraph.Mode.EVAL);
            Tensor x = Tensor.of(cpu, DType.FP32, Shape.of(2, 3, 16, 16), input);
            float[] features = d.graph().forward(Map.of(d.inputName(), x)).get(TunableDetector.FEATURES).toFloats();
            JsonNode expected = fixture.get("features");
            assertEquals(expected.size(), features.length);
            for (int i = 0; i < features.length; i++) {
                double want = expected.get(i).asDouble();
                assertEquals(want, features[i], 1e-5 + 1e-5 * Math.abs(want), "feature " + i);
            }
            assertTrue(d.parameters().size() >= 4, "backbone and head parameters train: " + d.graph().parameters().keySet());
        }
    }

    @Test
    void exportedTinyBackboneWithStandardisationRunsInOnnxRuntimeAsOnTheEngine() throws Exception {
        var model = ModelCatalogue.load(FIXTURES).resolve("tiny_backbone_tune");
        float[][] stats = new float[2][14];
        for (int i = 0; i < 14; i++) {
            stats[0][i] = 0.1f * i;
            stats[1][i] = 1 + 0.5f * i;
        }
        checkExportParity(model, stats, new int[] {3, 3, 16, 16});
    }

    @Test
    void exportedTinyMobileNetAfterATrainModeStepRunsInOnnxRuntimeAsOnTheEngine() throws Exception {
        Files.copy(TINY_MOBILENET, dir.resolve("tiny_mobilenet.onnx"));
        Files.writeString(dir.resolve("tiny_mobilenet.yaml"), """
                name: tiny_mobilenet
                family: test
                onnx: tiny_mobilenet.onnx
                input: {size: [16, 16], layout: NCHW, name: x}
                features:
                  - output: logits
                    width: 1
                """);
        var model = ModelCatalogue.load(dir).resolve("tiny_mobilenet_tune");
        Map<String, float[]> before = checkExportParity(model, null, new int[] {4, 3, 16, 16});
        assertTrue(before.keySet().stream().anyMatch(n -> n.contains("running_mean")), "batch-norm buffers are in the state: "
                + before.keySet());
    }

    /** The mini benchmark's backbone at a reduced input size, where its converted ONNX file exists (not in CI). */
    @Test
    void exportedNsfwMobileNetAtReducedSizeRunsInOnnxRuntimeAsOnTheEngine() throws Exception {
        var model = ModelCatalogue.load(NSFW_CARDS).resolve("mobilenetv2_nsfw_tune");
        assumeTrue(Files.isRegularFile(model.onnxFile()), "the nsfwjs MobileNetV2 is converted by ./genbench make-mini-benchmark");
        float[][] stats = new float[2][model.card().featureWidth()];
        java.util.Arrays.fill(stats[1], 2f);
        checkExportParity(model, stats, new int[] {2, 64, 64, 3});
    }

    @Test
    void loadingIsStrictAndNamesWhatIsMissing() {
        var model = ModelCatalogue.load(FIXTURES).resolve("tiny_backbone_tune");
        try (TunableDetector d = TunableDetector.create(model, cpu, null, 1)) {
            Map<String, float[]> state = new HashMap<>(d.state());
            state.remove(LinearHead.BIAS);
            var e = assertThrows(UserError.class, () -> d.load(state, "old.ckpt"));
            assertTrue(e.getMessage().contains("old.ckpt") && e.getMessage().contains(LinearHead.BIAS), e.getMessage());
            state.put(LinearHead.BIAS, new float[3]);
            e = assertThrows(UserError.class, () -> d.load(state, "old.ckpt"));
            assertTrue(e.getMessage().contains("3 values"), e.getMessage());
        }
    }

    /**
     * One SGD step in train mode on random images and labels, then the eval-mode outputs of other random
     * images on the engine and, from the exported file, on ONNX Runtime: equal to 1e-4 (relative to the
     * output's scale). A reloaded state reproduces the engine's outputs exactly. Returns the state before the step.
     */
    private Map<String, float[]> checkExportParity(ModelCatalogue.Resolved model, float[][] stats, int[] shape) throws Exception {
        Random rnd = new Random(42);
        Shape s = Shape.of(shape);
        float[] train = random(rnd, s);
        float[] test = random(rnd, s);
        Path exported = dir.resolve(model.card().name() + "_tuned.onnx");
        Map<String, float[]> before;
        float[] engineLogits;
        float[] engineFeatures;
        Map<String, float[]> after;
        try (TunableDetector d = TunableDetector.create(model, cpu, stats, 5)) {
            before = d.state();
            try (TensorScope scope = TensorScope.open(); Sgd sgd = Sgd.create(d.parameters(), 0.05, 0.9, 0, 1e-4, false)) {
                d.graph().mode(TrainableGraph.Mode.TRAIN);
                Tensor logits = d.graph().forward(Map.of(d.inputName(), Tensor.of(cpu, s, train))).get(TunableDetector.LOGIT);
                float[] labels = new float[shape[0]];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = i % 2;
                }
                Autograd.backwardAndFree(Ops.bceWithLogits(Ops.reshape(logits, Shape.of(shape[0])), Tensor.of(cpu, Shape.of(shape[0]), labels), true));
                sgd.step();
            }
            after = d.state();
            boolean moved = false;
            for (var e : after.entrySet()) {
                moved |= !java.util.Arrays.equals(e.getValue(), before.get(e.getKey()));
            }
            assertTrue(moved, "the step changed the model");
            try (TensorScope scope = TensorScope.open(); var off = GradMode.off()) {
                d.graph().mode(TrainableGraph.Mode.EVAL);
                var out = d.graph().forward(Map.of(d.inputName(), Tensor.of(cpu, s, test)));
                engineLogits = out.get(TunableDetector.LOGIT).toFloats();
                engineFeatures = out.get(TunableDetector.FEATURES).toFloats();
            }
            d.export(exported);
        }
        try (TunableDetector reloaded = TunableDetector.create(model, cpu, stats, 99); TensorScope scope = TensorScope.open();
                var off = GradMode.off()) {
            reloaded.load(after, "state");
            reloaded.graph().mode(TrainableGraph.Mode.EVAL);
            assertEquals(java.util.Arrays.toString(engineLogits), java.util.Arrays.toString(reloaded.graph()
                    .forward(Map.of(reloaded.inputName(), Tensor.of(cpu, s, test))).get(TunableDetector.LOGIT).toFloats()));
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(exported.toString(), new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(test), s.longDims());
                OrtSession.Result result = session.run(Map.of(model.card().input().name(), x))) {
            compare("logits", engineLogits, ((OnnxTensor) result.get(TunableDetector.LOGIT).orElseThrow()).getFloatBuffer());
            compare("features", engineFeatures, ((OnnxTensor) result.get(TunableDetector.FEATURES).orElseThrow()).getFloatBuffer());
        }
        return before;
    }

    private static void compare(String what, float[] engine, FloatBuffer ort) {
        assertEquals(engine.length, ort.remaining(), what + " size");
        double scale = 1e-3;
        for (float v : engine) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < engine.length; i++) {
            assertEquals(engine[i], ort.get(i), 1e-4 * scale, what + "[" + i + "] engine vs ONNX Runtime");
        }
    }

    private static float[] random(Random rnd, Shape s) {
        float[] v = new float[Math.toIntExact(s.elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextFloat();
        }
        return v;
    }
}
