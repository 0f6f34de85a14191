package dev.genbench.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.genbench.console.UserError;
import dev.genbench.detector.DetectorMetadata;
import dev.genbench.engine.Backend;
import dev.genbench.engine.cpu.CpuBackend;
import dev.genbench.image.EvaluationCropping;
import dev.genbench.image.Normalization;
import dev.genbench.image.TensorLayout;
import dev.genbench.models.LinearHead;
import dev.genbench.models.ModelCard;
import dev.genbench.models.ModelCatalogue;
import dev.genbench.models.OrtBackbone;
import dev.genbench.models.TunableDetector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import onnx.Onnx;
import org.junit.jupiter.api.io.TempDir;

/** The exported graph computes what the framework computes: backbone, readout, float16 cache rounding, standardised head, sigmoid. */
class DetectorGraphTest {
    private static final int N = 6;
    private static final int WIDTH = 12;

    @TempDir
    Path tmp;

    static DetectorMetadata metadata() {
        return new DetectorMetadata("pixel_values", SyntheticBackbone.SIZE, SyntheticBackbone.SIZE, TensorLayout.NCHW, Normalization.CLIP,
                EvaluationCropping.RESIZE, OptionalInt.of(1080), 0.5, Map.of("model_name", "synthetic_probe"));
    }

    static DetectorGraph.Head head() {
        return new DetectorGraph.Head(SyntheticBackbone.randoms(1, WIDTH, -1, 1), 0.1f, SyntheticBackbone.randoms(2, WIDTH, 0, 0.5),
                SyntheticBackbone.randoms(3, WIDTH, 0.5, 4), true);
    }

    /** Writes the exported detector of the synthetic backbone and returns its file. */
    static Path exportSynthetic(Path folder) {
        Path file = folder.resolve("detector.onnx");
        try {
            Files.write(file, DetectorGraph.build(SyntheticBackbone.model(7), SyntheticBackbone.card(), head(), metadata().toProperties())
                    .toByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    @Test
    void exportedGraphMatchesBackbonePlusHeadComputedTheFrameworksWay() throws Exception {
        SyntheticBackbone.write(tmp, 7);
        ModelCard card = SyntheticBackbone.card();
        float[] pixels = SyntheticBackbone.randoms(11, N * 3 * SyntheticBackbone.SIZE * SyntheticBackbone.SIZE, -2, 2);
        FloatBuffer input = ByteBuffer.allocateDirect(pixels.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer().put(pixels);
        input.flip();

        // The framework: ORT backbone + Java readout, features stored as float16 by the cache, head on the engine.
        float[] features = new float[N * WIDTH];
        try (OrtBackbone backbone = OrtBackbone.open(new ModelCatalogue.Resolved(card, tmp, ModelCatalogue.Variant.PROBE),
                OrtBackbone.Options.defaults())) {
            FloatBuffer out = FloatBuffer.wrap(features);
            backbone.run(input, N, out);
        }
        for (int i = 0; i < features.length; i++) {
            features[i] = Float.float16ToFloat(Float.floatToFloat16(features[i]));
        }
        DetectorGraph.Head h = head();
        float[] expected;
        try (Backend backend = CpuBackend.create();
                LinearHead linear = LinearHead.of(backend, h.weight(), h.bias()).withStandardization(h.featureMean(), h.featureScale())) {
            float[] logits = linear.logitsNoGrad(backend, features, N);
            expected = new float[N];
            for (int i = 0; i < N; i++) {
                expected[i] = (float) (1 / (1 + Math.exp(-logits[i])));
            }
        }

        Path exported = exportSynthetic(tmp);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(exported.toString());
                OnnxTensor tensor = OnnxTensor.createTensor(env, input.rewind(), new long[] {N, 3, SyntheticBackbone.SIZE, SyntheticBackbone.SIZE});
                OrtSession.Result result = session.run(Map.of("pixel_values", tensor))) {
            float[] scores = (float[]) result.get(DetectorMetadata.OUTPUT).orElseThrow().getValue();
            assertEquals(N, scores.length);
            for (int i = 0; i < N; i++) {
                assertEquals(expected[i], scores[i], 1e-6, "crop " + i);
            }
            assertEquals(metadata(), DetectorMetadata.fromProperties(session.getMetadata().getCustomMetadata(), exported.toString()));
            assertEquals(List.of(DetectorMetadata.OUTPUT), List.copyOf(session.getOutputNames()));
        }
    }

    @Test
    void tunedGraphGetsTheSigmoidAndTheScoreOutput() throws Exception {
        // A stand-in for tuned.onnx: the synthetic network with a logit output [N, 1] (sum of its pooled vector).
        Onnx.ModelProto.Builder tuned = SyntheticBackbone.model(7).toBuilder();
        Onnx.GraphProto.Builder g = tuned.getGraphBuilder();
        g.addInitializer(Onnx.TensorProto.newBuilder().setName("sum_axes").setDataType(Onnx.TensorProto.DataType.INT64_VALUE).addDims(1)
                .addInt64Data(1));
        g.addNode(Onnx.NodeProto.newBuilder().setOpType("ReduceSum").addInput("vec").addInput("sum_axes").addOutput(TunableDetector.LOGIT));
        g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(TunableDetector.LOGIT).setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE))));
        Path tunedFile = tmp.resolve("tuned.onnx");
        Files.write(tunedFile, tuned.build().toByteArray());
        Path exported = tmp.resolve("detector.onnx");
        Files.write(exported, DetectorGraph.fromTuned(tuned.build(), TunableDetector.LOGIT, metadata().toProperties()).toByteArray());

        float[] pixels = SyntheticBackbone.randoms(13, N * 3 * SyntheticBackbone.SIZE * SyntheticBackbone.SIZE, -2, 2);
        long[] shape = {N, 3, SyntheticBackbone.SIZE, SyntheticBackbone.SIZE};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession t = env.createSession(tunedFile.toString()); OrtSession d = env.createSession(exported.toString());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape);
                OrtSession.Result logits = t.run(Map.of("pixel_values", x)); OrtSession.Result scores = d.run(Map.of("pixel_values", x))) {
            float[][] z = (float[][]) logits.get(TunableDetector.LOGIT).orElseThrow().getValue();
            float[] p = (float[]) scores.get(DetectorMetadata.OUTPUT).orElseThrow().getValue();
            for (int i = 0; i < N; i++) {
                assertEquals(1 / (1 + Math.exp(-z[i][0])), p[i], 1e-6, "crop " + i);
            }
            assertEquals(List.of(DetectorMetadata.OUTPUT), List.copyOf(d.getOutputNames()));
        }
        assertThrows(UserError.class, () -> DetectorGraph.fromTuned(SyntheticBackbone.model(7), TunableDetector.LOGIT, Map.of()));
    }

    @Test
    void cardNamingAnOutputTheGraphLacksIsRefused() {
        ModelCard card = SyntheticBackbone.card();
        ModelCard wrong = new ModelCard(card.name(), card.aliases(), card.family(), card.onnx(), null, card.input(),
                List.of(new ModelCard.FeatureOutput("logits", ModelCard.Pooling.NONE, TensorLayout.NCHW, 12)), false, true, null, false, null);
        UserError e = assertThrows(UserError.class, () -> DetectorGraph.build(SyntheticBackbone.model(7), wrong, head(), Map.of()));
        assertEquals(true, e.getMessage().contains("'logits'"), e.getMessage());
    }
}
