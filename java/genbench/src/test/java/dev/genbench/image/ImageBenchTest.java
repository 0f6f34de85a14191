package dev.genbench.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench harness runs every stage end to end on a tiny folder (numbers are not checked, only sanity). */
class ImageBenchTest {

    @Test
    void everyStageProcessesTheRequestedNumberOfImages(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 3; i++) {
            try (Mat img = TestImages.gradient(300 + 50 * i, 200)) {
                Files.write(dir.resolve("p" + i + (i == 1 ? ".png" : ".jpg")), TestImages.encode(img, i == 1 ? ".png" : ".jpg"));
            }
        }
        Files.writeString(dir.resolve("notes.txt"), "ignored: not an image extension");
        for (ImageBench.Stage stage : ImageBench.Stage.values()) {
            ImageBench.Result r = ImageBench.run(new ImageBench.Settings(stage, dir, 2, 4, 2, 9));
            assertEquals(9, r.images(), stage.toString());
            assertTrue(r.imagesPerSecond() > 0);
            assertTrue(r.toJson().contains("\"images_per_s\""));
            assertTrue(r.msPerImageByStep().containsKey("decode"), r.msPerImageByStep().toString());
            assertEquals(stage != ImageBench.Stage.DECODE, r.msPerImageByStep().containsKey("normalise"));
        }
        assertEquals(3, FolderSource.of(dir, 0).distinctFiles());
        assertEquals(10, FolderSource.of(dir, 10).size());
    }

    @Test
    void emptyFolderIsRefusedClearly(@TempDir Path dir) {
        UserError e = assertThrows(UserError.class, () -> FolderSource.of(dir, 5));
        assertTrue(e.getMessage().contains("no .jpg"), e.getMessage());
    }
}
