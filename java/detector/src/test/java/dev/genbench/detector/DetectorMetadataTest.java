package dev.genbench.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import dev.genbench.image.EvaluationCropping;
import dev.genbench.image.Normalization;
import dev.genbench.image.TensorLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DetectorMetadataTest {
    static final DetectorMetadata META = new DetectorMetadata("input", 224, 200, TensorLayout.NHWC, Normalization.CLIP,
            EvaluationCropping.MULTICROP, OptionalInt.empty(), 0.25, Map.of("model_name", "x_probe", "window", "3"));

    @Test
    void propertiesRoundTrip() {
        assertEquals(META, DetectorMetadata.fromProperties(META.toProperties(), "m.onnx"));
        assertEquals("224x200", META.toProperties().get("genbench.input_size"));
        assertEquals("none", META.toProperties().get("genbench.maximum_processing_size"));
    }

    @Test
    void missingOrUnknownEntriesNameTheFileAndKey() {
        Map<String, String> p = new LinkedHashMap<>(META.toProperties());
        p.remove("genbench.threshold");
        UserError missing = assertThrows(UserError.class, () -> DetectorMetadata.fromProperties(p, "m.onnx"));
        assertTrue(missing.getMessage().contains("'m.onnx'") && missing.getMessage().contains("genbench.threshold"), missing.getMessage());

        Map<String, String> q = new LinkedHashMap<>(META.toProperties());
        q.put("genbench.cropping", "zoom");
        UserError cropping = assertThrows(UserError.class, () -> DetectorMetadata.fromProperties(q, "m.onnx"));
        assertTrue(cropping.getMessage().contains("'zoom'"), cropping.getMessage());

        Map<String, String> r = new LinkedHashMap<>(META.toProperties());
        r.put("genbench.format", "9");
        assertTrue(assertThrows(UserError.class, () -> DetectorMetadata.fromProperties(r, "m.onnx")).getMessage().contains("format 9"));
    }

    @Test
    void outputLinesInEachFormat() {
        var s = new Detector.Score(0.75f, new float[] {0.5f, 1f}, true);
        assertEquals("a.png\t0.75\tfake", ScoreCommand.line(ScoreCommand.Format.TEXT, "a.png", s, 0.5));
        assertEquals("\"x,\"\"y\"\".png\",0.75,fake", ScoreCommand.line(ScoreCommand.Format.CSV, "x,\"y\".png", s, 0.5));
        assertEquals("{\"path\":\"a\\\"b\",\"score\":0.75,\"label\":\"fake\",\"threshold\":0.5,\"crops\":[0.5,1.0]}",
                ScoreCommand.line(ScoreCommand.Format.JSON, "a\"b", s, 0.5));
    }

    @Test
    void unknownOptionsAndBadNumbersAreClearErrors() {
        UserError e = assertThrows(UserError.class, () -> Args.parse(java.util.List.of("--treads", "2"), java.util.Set.of("threads"), "score"));
        assertTrue(e.getMessage().contains("--treads") && e.getMessage().contains("--threads"), e.getMessage());
        Args a = Args.parse(java.util.List.of("--threads=x", "f.png"), java.util.Set.of("threads"), "score");
        assertEquals(java.util.List.of("f.png"), a.positional());
        assertTrue(assertThrows(UserError.class, () -> a.getInt("threads", 1, 1)).getMessage().contains("'x'"));
    }
}
