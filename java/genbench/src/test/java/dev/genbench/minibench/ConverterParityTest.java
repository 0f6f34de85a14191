package dev.genbench.minibench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity of our TF.js → ONNX conversions with the original TF.js models: models/onnx/parity.mjs runs the
 * original on a fixed input with @tensorflow/tfjs (pure JS CPU backend), this test runs the converted file on
 * ONNX Runtime and compares. Covers an RDN generator (0-255), an RRDN generator (0-1 range folded into the
 * graph, custom MultiplyBeta and PixelShuffle layers) and the probe backbone with its early readout. Slow:
 * fetches npm packages (esrgan-thick is 110 MB) into the mini benchmark's cache.
 */
@Tag("slow")
class ConverterParityTest {
    static final String TFJS = "@tensorflow/tfjs@4.22.0";

    private static Path repoRoot() {
        return ModelStore.converterScript().getParent().getParent().getParent();
    }

    private static Path cache() {
        return repoRoot().resolve("datasets/.cache/mini_genbench");
    }

    private static Path tfjsModules() throws Exception {
        Path dir = cache().resolve("node-parity");
        if (!Files.isDirectory(dir.resolve("node_modules/@tensorflow/tfjs"))) {
            Files.createDirectories(dir);
            new ExternalCommand("installing " + TFJS + " for the parity test",
                    List.of("npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", dir.toString(), TFJS), dir)
                    .run(cache().resolve("logs/npm-parity.log"));
        }
        return dir.resolve("node_modules");
    }

    private static JsonNode reference(Path modelDir, Path out, int h, int w, boolean unitRange, String early) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("node", repoRoot().resolve("models/onnx/parity.mjs").toString(),
                "--model", modelDir.toString(), "--out", out.toString(), "--modules", tfjsModules().toString(),
                "--height", Integer.toString(h), "--width", Integer.toString(w)));
        if (unitRange) {
            argv.add("--unit-range");
        }
        if (early != null) {
            argv.addAll(List.of("--early", early));
        }
        new ExternalCommand("running the TF.js reference", argv, out.getParent()).run(out.resolveSibling("parity.log"));
        return new ObjectMapper().readTree(out.toFile());
    }

    /** Runs {@code onnx} on the reference input (divided by {@code inputDivisor}); returns the named outputs flattened. */
    private static Map<String, float[]> run(Path onnx, JsonNode ref, double inputDivisor, List<String> outputs) throws Exception {
        int h = ref.path("height").asInt();
        int w = ref.path("width").asInt();
        FloatBuffer in = ByteBuffer.allocateDirect(4 * h * w * 3).order(ByteOrder.nativeOrder()).asFloatBuffer();
        ref.path("input").forEach(v -> in.put((float) (v.asDouble() / inputDivisor)));
        in.flip();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(env, in, new long[] {1, h, w, 3});
                OrtSession.Result r = s.run(Map.of("input", t), new java.util.HashSet<>(outputs))) {
            Map<String, float[]> out = new java.util.HashMap<>();
            for (String name : outputs) {
                FloatBuffer b = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
                float[] f = new float[b.remaining()];
                b.get(f);
                out.put(name, f);
            }
            return out;
        }
    }

    private static void assertClose(JsonNode expected, float[] actual, double atol, double rtol, String what) {
        assertEquals(expected.size(), actual.length, what + ": output size");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < actual.length; i++) {
            double e = expected.get(i).asDouble();
            double excess = Math.abs(e - actual[i]) - (atol + rtol * Math.abs(e));
            if (excess > worst) {
                worst = excess;
                at = i;
            }
        }
        assertTrue(at < 0, what + ": index " + at + " differs beyond tolerance: TF.js " + (at < 0 ? 0 : expected.get(at).asDouble())
                + " vs ONNX " + (at < 0 ? 0 : actual[at]));
    }

    @org.junit.jupiter.api.AfterEach
    void removeUnpackedPackages() throws Exception {
        try (var dirs = Files.newDirectoryStream(cache().resolve("npm"), "*.unpacked")) {
            for (Path d : dirs) {
                PhotoPool.deleteTree(d);
            }
        }
    }

    private Path generatorOnnx(GeneratorSpec spec) {
        return new ModelStore(cache()).generators(List.of(spec)).getFirst();
    }

    @Test
    void rdnGeneratorMatchesTfjs(@TempDir Path tmp) throws Exception {
        GeneratorSpec slim = GeneratorSpec.defaults().stream().filter(g -> g.name().equals("esrgan-slim-x2")).findFirst().orElseThrow();
        Path onnx = generatorOnnx(slim);
        Path pkg = new ModelStore(cache()).unpack(slim.npmPackage());
        JsonNode ref = reference(pkg.resolve(slim.modelDir()), tmp.resolve("ref.json"), 20, 24, false, null);
        assertClose(ref.path("output"), run(onnx, ref, 1, List.of("output")).get("output"), 5e-3, 1e-5, "esrgan-slim-x2");
    }

    @Test
    void rrdnGeneratorWithFoldedRangeMatchesTfjs(@TempDir Path tmp) throws Exception {
        GeneratorSpec thick = GeneratorSpec.defaults().stream().filter(g -> g.name().equals("esrgan-thick-x4")).findFirst().orElseThrow();
        Path onnx = generatorOnnx(thick);
        Path pkg = new ModelStore(cache()).unpack(thick.npmPackage());
        JsonNode ref = reference(pkg.resolve(thick.modelDir()), tmp.resolve("ref.json"), 12, 16, true, null);
        // The reference output is already back on 0-255, like the converted graph's.
        assertClose(ref.path("output"), run(onnx, ref, 1, List.of("output")).get("output"), 5e-3, 1e-5, "esrgan-thick-x4");
    }

    @Test
    void graphModelBackboneMatchesTfjs(@TempDir Path tmp) throws Exception {
        // MobileNetV2 1.4 ships as a TF graph model: this covers the converter's graph-model branch.
        ModelStore store = new ModelStore(cache());
        Path onnx = store.nsfwBackbone("mobilenet_v2_mid", "mobilenetv2_140_nsfw", List.of());
        Path pkg = store.unpack("nsfwjs");
        JsonNode ref = reference(pkg.resolve("dist/models/mobilenet_v2_mid"), tmp.resolve("ref.json"), 224, 224, true, null);
        assertClose(ref.path("output"), run(onnx, ref, 255, List.of("probs")).get("probs"), 1e-5, 1e-4, "mobilenet_v2_mid probs");
    }

    @Test
    void probeBackboneAndItsEarlyReadoutMatchTfjs(@TempDir Path tmp) throws Exception {
        ModelStore store = new ModelStore(cache());
        Path onnx = store.probeBackbone();
        Path pkg = store.unpack("nsfwjs");
        JsonNode ref = reference(pkg.resolve("dist/models/mobilenet_v2"), tmp.resolve("ref.json"), 224, 224, true, ModelStore.PROBE_EARLY_LAYERS);
        Map<String, float[]> out = run(onnx, ref, 255, List.of("probs", "early"));
        assertClose(ref.path("output"), out.get("probs"), 1e-5, 1e-4, "mobilenet_v2 probs");
        assertClose(ref.path("early"), out.get("early"), 1e-5, 1e-4, "mobilenet_v2 early readout");
    }
}
