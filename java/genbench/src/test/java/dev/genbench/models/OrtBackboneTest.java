package dev.genbench.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtBackboneTest {

    /** The fixture made by src/test/python/make_backbone_fixture.py with torch. */
    static final Path FIXTURES = Path.of("src/test/resources/dev/genbench/models");

    @TempDir
    Path dir;

    static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Test
    void pooledMultiOutputFeaturesMatchTorch() throws IOException {
        JsonNode fixture = new ObjectMapper().readTree(FIXTURES.resolve("tiny_backbone.json").toFile());
        var model = ModelCatalogue.load(FIXTURES).resolve("tiny_backbone_probe");
        try (OrtBackbone backbone = OrtBackbone.open(model, new OrtBackbone.Options(1, 1))) {
            assertEquals(14, backbone.featureWidth());
            JsonNode input = fixture.get("input");
            FloatBuffer pixels = direct(input.size());
            input.forEach(v -> pixels.put((float) v.asDouble()));
            pixels.flip();
            FloatBuffer features = direct(2 * 14 + 3);
            features.position(3); // writes from the buffer's position
            backbone.run(pixels, 2, features);
            assertEquals(3 + 28, features.position());
            JsonNode expected = fixture.get("features");
            for (int i = 0; i < expected.size(); i++) {
                double want = expected.get(i).asDouble();
                double got = features.get(3 + i);
                assertEquals(want, got, 1e-5 + 1e-5 * Math.abs(want), "feature " + i);
            }
            // A second batch size re-allocates the outputs; the first image must not change.
            FloatBuffer one = direct(14);
            pixels.rewind();
            backbone.run(pixels, 1, one);
            for (int i = 0; i < 14; i++) {
                assertEquals(features.get(3 + i), one.get(i), 1e-6);
            }
        }
    }

    @Test
    void missingOnnxFileSaysHowToProduceIt() throws IOException {
        Files.copy(FIXTURES.resolve("tiny_backbone.yaml"), dir.resolve("tiny_backbone.yaml"));
        var model = ModelCatalogue.load(dir).resolve("tiny_backbone_probe");
        var e = assertThrows(UserError.class, () -> OrtBackbone.open(model, OrtBackbone.Options.defaults()));
        assertTrue(e.getMessage().contains("is missing; export it with models/onnx/export_backbone.py"), e.getMessage());
    }

    @Test
    void cardWidthThatDisagreesWithTheGraphIsAnError() throws IOException {
        Files.writeString(dir.resolve("tiny_backbone.yaml"),
                Files.readString(FIXTURES.resolve("tiny_backbone.yaml")).replace("width: 6", "width: 7"));
        Files.copy(FIXTURES.resolve("tiny_backbone.onnx"), dir.resolve("tiny_backbone.onnx"), StandardCopyOption.REPLACE_EXISTING);
        var model = ModelCatalogue.load(dir).resolve("tiny_backbone_probe");
        var e = assertThrows(UserError.class, () -> OrtBackbone.open(model, OrtBackbone.Options.defaults()));
        assertTrue(e.getMessage().contains("says output 'late' has width 7 but the graph gives 6"), e.getMessage());
    }

    static boolean cudaProviderPresent() {
        return ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA);
    }

    @Test
    void cudaAskedOfTheCpuOnlyArtifactIsAUserErrorSayingWhatToDo() {
        org.junit.jupiter.api.Assumptions.assumeFalse(cudaProviderPresent(), "this build has the GPU artifact (-Pcuda)");
        var model = ModelCatalogue.load(FIXTURES).resolve("tiny_backbone_probe");
        var cuda = new OrtBackbone.Options(1, 1, false, OrtBackbone.Provider.CUDA, 0);
        var e = assertThrows(UserError.class, () -> OrtBackbone.open(model, cuda));
        assertTrue(e.getMessage().contains("CPU-only ONNX Runtime (no CUDA execution provider for backbone 'tiny_backbone')"),
                e.getMessage());
        assertTrue(e.getMessage().contains("GENBENCH_MAVEN_PROFILES=cuda") && e.getMessage().contains("trainer.accelerator: cpu"),
                e.getMessage());
    }

    @Test
    void trainerAcceleratorPicksTheProviderAndTheFirstListedDevice() {
        assertEquals(OrtBackbone.Provider.CPU, OrtBackbone.Options.defaults().provider());
        var yaml = (dev.genbench.config.ConfigNode.MapNode) dev.genbench.config.Yaml.parse("accelerator: gpu\ndevices: [3, 1]\n", "test");
        var trainer = new dev.genbench.config.ConfigBinder(false).bindRoot(dev.genbench.config.TrainerConfig.class, yaml);
        var options = OrtBackbone.Options.forTrainer(trainer);
        assertEquals(OrtBackbone.Provider.CUDA, options.provider());
        assertEquals(3, options.deviceId());
        var cpu = new dev.genbench.config.ConfigBinder(false).bindRoot(dev.genbench.config.TrainerConfig.class,
                (dev.genbench.config.ConfigNode.MapNode) dev.genbench.config.Yaml.parse("accelerator: cpu\n", "test"));
        assertEquals(OrtBackbone.Provider.CPU, OrtBackbone.Options.forTrainer(cpu).provider());
    }

    /** On a machine with the GPU artifact and a GPU (./mvnw -Pcuda,slow test -Dgroups=gpu): CUDA gives the CPU's features. */
    @Test
    @org.junit.jupiter.api.Tag("gpu")
    void cudaFeaturesMatchTheCpuOnes() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(cudaProviderPresent(), "needs the GPU artifact: ./mvnw -Pcuda");
        var model = ModelCatalogue.load(FIXTURES).resolve("tiny_backbone_probe");
        JsonNode input = new ObjectMapper().readTree(FIXTURES.resolve("tiny_backbone.json").toFile()).get("input");
        FloatBuffer pixels = direct(input.size());
        input.forEach(v -> pixels.put((float) v.asDouble()));
        FloatBuffer cpu = direct(28);
        FloatBuffer gpu = direct(28);
        try (OrtBackbone a = OrtBackbone.open(model, OrtBackbone.Options.defaults());
                OrtBackbone b = OrtBackbone.open(model, new OrtBackbone.Options(0, 0, false, OrtBackbone.Provider.CUDA, 0))) {
            a.run(pixels.flip(), 2, cpu);
            b.run(pixels.rewind(), 2, gpu);
        }
        for (int i = 0; i < 28; i++) {
            assertEquals(cpu.get(i), gpu.get(i), 1e-4 + 1e-4 * Math.abs(cpu.get(i)), "feature " + i);
        }
    }
}
