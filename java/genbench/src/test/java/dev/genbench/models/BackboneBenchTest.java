package dev.genbench.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backbone benchmark's model argument: a card, an ONNX file with its card beside it, or a name. */
class BackboneBenchTest {

    @TempDir
    Path dir;

    @Test
    void anOnnxFileWithItsCardResolvesToTheCard() {
        var model = BackboneBench.resolveModel(OrtBackboneTest.FIXTURES.resolve("tiny_backbone.onnx").toString(), dir);
        assertEquals("tiny_backbone", model.card().name());
        assertEquals(14, model.card().featureWidth());
    }

    @Test
    void anOnnxFileWithoutItsCardIsRefusedWithWhatToDo() throws Exception {
        Path onnx = Files.copy(OrtBackboneTest.FIXTURES.resolve("tiny_backbone.onnx"), dir.resolve("lonely.onnx"));
        var e = assertThrows(UserError.class, () -> BackboneBench.resolveModel(onnx.toString(), dir));
        assertTrue(e.getMessage().contains("has no model card") && e.getMessage().contains("export_backbone.py"), e.getMessage());
    }
}
