package dev.genbench.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogueTest {

    @TempDir
    Path dir;

    private void card(String file, String name, String aliases) throws IOException {
        Files.writeString(dir.resolve(file), """
                name: %s
                aliases: %s
                family: test
                onnx: %s.onnx
                input:
                  size: [224, 224]
                features:
                  - output: features
                    width: 512
                """.formatted(name, aliases, name));
    }

    @Test
    void namesResolveByExplicitSuffixToTheCardOrItsAliases() throws IOException {
        card("rn50.yaml", "RN50", "[clip_rn50]");
        var catalogue = ModelCatalogue.load(dir);
        var probe = catalogue.resolve("RN50_probe");
        assertEquals(ModelCatalogue.Variant.PROBE, probe.variant());
        assertEquals("RN50", probe.card().name());
        assertEquals(dir.resolve("RN50.onnx"), probe.onnxFile());
        assertEquals(ModelCatalogue.Variant.TUNE, catalogue.resolve("clip_rn50_tune").variant());
        assertEquals(512, probe.card().featureWidth());
        assertEquals(224, probe.card().input().height());
    }

    @Test
    void unknownNameListsTheKnownOnesAndSuggests() throws IOException {
        card("rn50.yaml", "RN50", "[]");
        card("vit.yaml", "vitb16", "[]");
        var e = assertThrows(UserError.class, () -> ModelCatalogue.load(dir).resolve("RN05_probe"));
        assertTrue(e.getMessage().contains("(known: RN50, vitb16); did you mean 'RN50_probe'?"), e.getMessage());
    }

    @Test
    void aNameWithoutSuffixIsRejectedWithTheChoices() throws IOException {
        card("rn50.yaml", "RN50", "[]");
        var e = assertThrows(UserError.class, () -> ModelCatalogue.load(dir).resolve("RN50"));
        assertTrue(e.getMessage().contains("must end in _probe"), e.getMessage());
    }

    @Test
    void twoCardsClaimingOneNameIsAnError() throws IOException {
        card("a.yaml", "RN50", "[]");
        card("b.yaml", "other", "[RN50]");
        var e = assertThrows(UserError.class, () -> ModelCatalogue.load(dir));
        assertTrue(e.getMessage().contains("claims the name 'RN50'"), e.getMessage());
    }

    @Test
    void cardErrorsNameFileAndLine() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), "name: x\nfamily: test\nonnx: x.onnx\ninput:\n  size: [224]\nfeatures: []\n");
        var e = assertThrows(UserError.class, () -> ModelCatalogue.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("bad.yaml") + ":4: input: input.size must be [height, width]"), e.getMessage());
    }

    @Test
    void poolingDoublesTheWidthOfMeanAndMeanSquareOutputs() throws IOException {
        Files.writeString(dir.resolve("m.yaml"), """
                name: mnv2
                family: test
                onnx: m.onnx
                input: {size: [224, 224], layout: NHWC, range: unit}
                features:
                  - {output: block_3, pooling: mean_and_mean_square, layout: NHWC, width: 24}
                  - {output: block_6, pooling: mean, layout: NHWC, width: 32}
                """);
        assertEquals(24 * 2 + 32, ModelCatalogue.load(dir).resolve("mnv2_probe").card().featureWidth());
    }

    @Test
    void theShippedCardsLoadAndTheMiniBenchmarkProbeReadsTheEarlyBlocks() {
        var catalogue = ModelCatalogue.load(Path.of("../../models/onnx"));
        assertTrue(catalogue.baseNames().containsAll(java.util.List.of("mobilenetv2_nsfw", "mobilenetv2_140_nsfw", "inceptionv3_nsfw")),
                catalogue.baseNames().toString());
        var probe = catalogue.resolve("mobilenetv2_nsfw_probe");
        assertEquals(1104, probe.card().featureWidth());
        assertTrue(probe.card().standardizeFeatures());
        assertEquals("mobilenetv2_nsfw_early6.onnx", probe.onnxFile().getFileName().toString());
        assertEquals(0.0, probe.card().input().normalization().meanR());
        assertEquals(1.0, probe.card().input().normalization().stdR());
    }
}
