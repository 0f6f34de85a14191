package dev.genbench.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genbench.console.UserError;
import dev.genbench.testing.ReferencePython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionsFileTest {

    /** Three images, the first cut into three crops: five crops in all. */
    static PredictionsFile sample(Optional<PredictionsFile.Multiclass> multiclass) {
        return new PredictionsFile(
                new float[] {0.2f, 0.9f, 0.4f}, new long[] {0, 1, 1}, new long[] {0, 2, 1}, new long[] {10, 11, 12},
                new float[] {0.22f, 0.1f, 0.9f},
                new float[] {0.1f, 0.2f, 0.3f, 0.9f, 0.4f}, new long[] {0, 0, 0, 1, 1}, new long[] {0, 0, 0, 2, 1},
                new long[] {10, 10, 10, 11, 12}, new float[] {0.1f, 0.2f, 0.3f, 0.1f, 0.9f},
                new long[] {0, 0, 0, 1, 2}, multiclass,
                List.of("", "CycleGAN", "Stable Diffusion 1.4"),
                List.of(List.of("CycleGAN", "Stable Diffusion 1.4"), List.of("CycleGAN")),
                new long[] {2, -1, -1});
    }

    static final List<String> KEYS = List.of("fused_scores", "fused_labels", "fused_generator_ids", "fused_identifiers",
            "fused_losses", "crop_scores", "crop_labels", "crop_generator_ids", "crop_identifiers", "crop_losses",
            "crop_to_image_index", "identifier", "generator_id_to_name", "windows_timeline", "pairing");

    @Test
    void numpyLoadsEveryKeyWithTheSpecsDtypeAndShape(@TempDir Path dir) throws IOException {
        ReferencePython.assumeModules("numpy");
        Path file = sample(Optional.empty()).writeEvaluation(dir, "validate", 0, 125);
        assertEquals("predictions_validate_epoch=0-step=125.npz", file.getFileName().toString());
        assertTrue(Files.isRegularFile(dir.resolve("predictions_validate_all.npz")));
        JsonNode numpy = new ObjectMapper().readTree(ReferencePython.runOk(List.of(
                ReferencePython.SCRIPTS.resolve("npz_reference.py").toString(), "inspect", file.toString()), 60));
        var keys = new ArrayList<String>();
        numpy.fieldNames().forEachRemaining(keys::add);
        assertEquals(KEYS, keys);
        var expected = new LinkedHashMap<String, String>();
        for (String k : KEYS) {
            expected.put(k, k.endsWith("scores") || k.endsWith("losses") ? "<f4" : "<i8");
        }
        expected.put("generator_id_to_name", "<U20");
        expected.put("windows_timeline", "<U20");
        for (var e : expected.entrySet()) {
            assertEquals(e.getValue(), numpy.get(e.getKey()).get("dtype").asText(), e.getKey());
        }
        assertEquals("[3]", numpy.get("fused_scores").get("shape").toString());
        assertEquals("[5]", numpy.get("crop_to_image_index").get("shape").toString());
        assertEquals("[2,2]", numpy.get("windows_timeline").get("shape").toString());
        assertEquals("[[\"CycleGAN\",\"Stable Diffusion 1.4\"],[\"CycleGAN\",\"\"]]",
                numpy.get("windows_timeline").get("values").toString(), "a ragged timeline is padded with \"\"");
        assertEquals("[0,0,0,1,2]", numpy.get("crop_to_image_index").get("values").toString(), "a global index");
        assertEquals(numpy.get("fused_identifiers").get("values"), numpy.get("identifier").get("values"));
    }

    @Test
    void multiclassLogitsAreTwoDimensional(@TempDir Path dir) throws IOException {
        ReferencePython.assumeModules("numpy");
        var mc = new PredictionsFile.Multiclass(3, new float[9], new float[15]);
        Path file = dir.resolve("mc.npz");
        sample(Optional.of(mc)).write(file);
        JsonNode numpy = new ObjectMapper().readTree(ReferencePython.runOk(List.of(
                ReferencePython.SCRIPTS.resolve("npz_reference.py").toString(), "inspect", file.toString()), 60));
        assertEquals("[3,3]", numpy.get("fused_multiclass_predictions").get("shape").toString());
        assertEquals("[5,3]", numpy.get("crop_multiclass_predictions").get("shape").toString());
    }

    @Test
    void readingGivesBackWhatWasWritten(@TempDir Path dir) {
        Path file = dir.resolve("p.npz");
        PredictionsFile written = sample(Optional.of(new PredictionsFile.Multiclass(2, new float[6], new float[10])));
        written.write(file);
        PredictionsFile read = PredictionsFile.read(file);
        assertArrayEquals(written.cropScores(), read.cropScores());
        assertArrayEquals(written.cropToImageIndex(), read.cropToImageIndex());
        assertArrayEquals(written.pairing(), read.pairing());
        assertEquals(written.generatorIdToName(), read.generatorIdToName());
        assertEquals(written.windowsTimeline(), read.windowsTimeline(), "padding is dropped on reading");
        assertEquals(2, read.multiclass().orElseThrow().classes());
    }

    @Test
    void aMissingKeyIsNamedWithTheFile(@TempDir Path dir) {
        Path file = dir.resolve("partial.npz");
        var arrays = new LinkedHashMap<>(sample(Optional.empty()).arrays());
        arrays.remove("pairing");
        Npz.write(file, arrays);
        var e = assertThrows(UserError.class, () -> PredictionsFile.read(file));
        assertTrue(e.getMessage().contains("partial.npz") && e.getMessage().contains("'pairing'"), e.getMessage());
    }

    @Test
    void aWrongDtypeIsNamedWithWhatWasExpected(@TempDir Path dir) {
        Path file = dir.resolve("f8.npz");
        var arrays = new LinkedHashMap<>(sample(Optional.empty()).arrays());
        arrays.put("crop_scores", NpyArray.of(new double[] {0.1, 0.2, 0.3, 0.9, 0.4}));
        Npz.write(file, arrays);
        var e = assertThrows(UserError.class, () -> PredictionsFile.read(file));
        assertTrue(e.getMessage().contains("'crop_scores'") && e.getMessage().contains("<f8"), e.getMessage());
    }

    @Test
    void aCropPointingOutsideTheImagesIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new PredictionsFile(
                new float[] {0.5f}, new long[] {0}, new long[] {0}, new long[] {1}, new float[] {0},
                new float[] {0.5f}, new long[] {0}, new long[] {0}, new long[] {1}, new float[] {0},
                new long[] {1}, Optional.empty(), List.of(""), List.of(), new long[] {-1}));
        assertTrue(e.getMessage().contains("crop_to_image_index[0] = 1"), e.getMessage());
    }
}
