package dev.genbench.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import dev.genbench.image.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The features benchmark runs loader and backbone end to end on a tiny folder (speed is not checked, only sanity). */
class FeatureBenchTest {

    @TempDir
    Path dir;

    @Test
    void everyTimedImageGoesThroughTheBackbone() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (Mat img = TestImages.gradient(300 + 50 * i, 200)) {
                Files.write(dir.resolve("p" + i + ".jpg"), TestImages.encode(img, ".jpg"));
            }
        }
        Path onnx = OrtBackboneTest.FIXTURES.resolve("tiny_backbone.onnx");
        var settings = new FeatureBench.Settings(onnx.toString(), Path.of("no-catalogue"), dir, 2,
                OrtBackbone.Options.defaults().withThreads(1, 1).withSpinWait(false), 4, 3, 10);
        FeatureBench.Result r = FeatureBench.run(settings);
        assertEquals(10, r.timing().images());
        assertEquals(14, r.featureWidth());
        assertTrue(r.timing().imagesPerSecond() > 0);
        assertTrue(Double.isFinite(r.checksum()) && r.checksum() != 0, "features were written: " + r.checksum());
        String json = r.toJson();
        assertTrue(json.contains("\"model\": \"tiny_backbone\"") && json.contains("\"intra_op_threads\": 1")
                && json.contains("\"spin_wait\": false"), json);
        assertTrue(r.timing().msPerImageByStep().containsKey("backbone (wall, per image of a batch)"), json);
    }

    @Test
    void anOnnxFileWithoutItsCardIsRefusedWithWhatToDo() throws Exception {
        Path onnx = Files.copy(OrtBackboneTest.FIXTURES.resolve("tiny_backbone.onnx"), dir.resolve("lonely.onnx"));
        var e = assertThrows(UserError.class, () -> FeatureBench.resolveModel(onnx.toString(), dir));
        assertTrue(e.getMessage().contains("has no model card") && e.getMessage().contains("export_backbone.py"), e.getMessage());
    }
}
