package dev.genbench.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * models/onnx/export_backbone.py, run with Debian's python3-torch on random-init architectures: the
 * exported graph and its card run on ONNX Runtime in Java and give torch's features. Slow (it exports
 * full-size models) and skipped, with the reason, where /usr/bin/python3 has no torch.
 */
@Tag("slow")
class ExportBackboneScriptTest {
    static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
    static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, torchvision").redirectErrorStream(true).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static void python(Path workdir, List<String> args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(args).directory(workdir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("python failed: " + args + "\n" + out);
        }
    }

    @ParameterizedTest
    @CsvSource({"resnet50, 2048", "vit_b_16, 768"})
    void randomInitExportRunsInJavaAndMatchesTorch(String model, int width) throws Exception {
        boolean torch = torchAvailable();
        if (!torch) {
            System.out.println("skipped: " + PYTHON + " with torch and torchvision is not available");
        }
        assumeTrue(torch, PYTHON + " with torch and torchvision is needed to export");
        python(REPO, List.of(PYTHON, "models/onnx/export_backbone.py", "--family", "torchvision", "--model", model,
                "--random-init", "--out", dir.toString()));
        Path expected = dir.resolve("expected.json");
        python(REPO, List.of(PYTHON, "-c", String.join("\n",
                "import json, sys, torch",
                "sys.path.insert(0, 'models/onnx')",
                "import export_backbone as eb",
                "torch.manual_seed(0)",
                "m, _ = eb.build('torchvision', '" + model + "', True)",
                "m.eval()",
                "x = torch.rand(2, 3, 224, 224, generator=torch.Generator().manual_seed(1))",
                "with torch.no_grad(): f = m(x)",
                "json.dump({'input': x.flatten().tolist(), 'features': f.flatten().tolist()}, open('" + expected + "', 'w'))")));
        var resolved = ModelCatalogue.load(dir).resolve(model + "_probe");
        assertEquals(width, resolved.card().featureWidth());
        JsonNode fixture = new ObjectMapper().readTree(expected.toFile());
        try (OrtBackbone backbone = OrtBackbone.open(resolved, OrtBackbone.Options.defaults())) {
            FloatBuffer pixels = OrtBackboneTest.direct(fixture.get("input").size());
            fixture.get("input").forEach(v -> pixels.put((float) v.asDouble()));
            pixels.flip();
            FloatBuffer features = OrtBackboneTest.direct(2 * width);
            backbone.run(pixels, 2, features);
            JsonNode want = fixture.get("features");
            double maxAbs = 0;
            for (int i = 0; i < want.size(); i++) {
                maxAbs = Math.max(maxAbs, Math.abs(want.get(i).asDouble()));
            }
            for (int i = 0; i < want.size(); i++) {
                assertEquals(want.get(i).asDouble(), features.get(i), 1e-4 * Math.max(1, maxAbs), model + " feature " + i);
            }
        }
        Files.deleteIfExists(dir.resolve(model + ".onnx"));
    }
}
