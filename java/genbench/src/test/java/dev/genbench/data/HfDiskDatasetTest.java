package dev.genbench.data;

import dev.genbench.config.DatasetFormat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfDiskDatasetTest {
    @TempDir
    Path tmp;

    private static String expectedGenerator(String split, int row) {
        String[] blocks = {"GenA", "GenB", "GenC", "GenD"};
        int per = split.equals("train") ? 3 : 2;
        int wukong = split.equals("train") ? 2 : 1;
        if (row < 4 * per) {
            return blocks[row / per];
        }
        return row < 4 * per + wukong ? "Wukong" : "";
    }

    @Test
    void readsEveryShardInStateJsonOrderWithSmallAndLargeImageOffsets() {
        try (HfDiskDataset d = HfDiskDataset.open(Fixtures.path("hf-small"))) {
            assertEquals(List.of("train", "validation"), d.splits());
            assertEquals(DatasetFormat.HF_DISK, d.format());
            for (String split : List.of("train", "validation")) {
                SplitTable t = d.split(split);
                assertEquals(split.equals("train") ? 28 : 17, t.size());
                for (int row = 0; row < t.size(); row++) {
                    String g = expectedGenerator(split, row);
                    assertEquals(g, t.generator(row), split + " row " + row);
                    assertEquals(g.isEmpty() ? 0 : 1, t.label(row));
                    assertEquals(row, t.id(row));
                    String fileId = g.isEmpty() ? "COCO2017_train/" + split + (1000 + row) : "Synthetic/" + g + "/" + split + row;
                    assertEquals(fileId, t.fileId(row));
                }
            }
            assertTrue(d.catalogueFile().isPresent());
        }
    }

    @Test
    void imageBytesAreTheCompleteEncodedFilesInAnyOrder() {
        try (HfDiskDataset d = HfDiskDataset.open(Fixtures.path("hf-small"))) {
            for (String split : List.of("validation", "train")) {
                SplitTable t = d.split(split);
                for (int row = t.size() - 1; row >= 0; row -= 1) {
                    byte[] b = t.imageBytes(row);
                    boolean png = row % 2 == 1;
                    if (png) {
                        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(b, 4), split + " row " + row);
                        assertEquals("IEND", new String(b, b.length - 8, 4, StandardCharsets.US_ASCII));
                    } else {
                        assertEquals((byte) 0xFF, b[0]);
                        assertEquals((byte) 0xD8, b[1]);
                        assertEquals((byte) 0xFF, b[b.length - 2]);
                        assertEquals((byte) 0xD9, b[b.length - 1]);
                    }
                    try (BytePointer p = new BytePointer(b); Mat raw = new Mat(1, b.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, p);
                         Mat img = opencv_imgcodecs.imdecode(raw, opencv_imgcodecs.IMREAD_COLOR)) {
                        assertEquals(8 + (row % 3) * 8, img.cols(), split + " row " + row);
                        assertEquals(8 + (row % 2) * 4, img.rows(), split + " row " + row);
                    }
                }
            }
        }
    }

    @Test
    void readsAFolderWithOnlyATrainSplitAndLargeImages() {
        try (HfDiskDataset d = HfDiskDataset.open(Fixtures.path("hf-train-only"))) {
            assertEquals(List.of("train"), d.splits());
            assertEquals(8, d.split("train").size());
            assertEquals("", d.split("train").generator(7));
            assertTrue(d.split("train").imageBytes(7).length > 50);
        }
    }

    @Test
    void missingFolderIsAnErrorNamingIt() {
        Path nowhere = tmp.resolve("no-such-dataset");
        UserError e = assertThrows(UserError.class, () -> HfDiskDataset.open(nowhere));
        assertTrue(e.getMessage().contains(nowhere.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void missingDatasetDictIsAnErrorNamingIt() throws IOException {
        Path d = Fixtures.copy("hf-small", tmp);
        Files.delete(d.resolve("dataset_dict.json"));
        UserError e = assertThrows(UserError.class, () -> HfDiskDataset.open(d));
        assertTrue(e.getMessage().startsWith(d.resolve("dataset_dict.json") + " is missing"), e.getMessage());
    }

    @Test
    void shardThatIsNotArrowIsAnErrorNamingIt() throws IOException {
        Path d = Fixtures.copy("hf-small", tmp);
        Path shard = d.resolve("train/data-00001-of-00003.arrow");
        Files.writeString(shard, "this is not an arrow file, just some text\n");
        UserError e = assertThrows(UserError.class, () -> HfDiskDataset.open(d));
        assertTrue(e.getMessage().startsWith(shard + " is not an Arrow IPC stream"), e.getMessage());
    }

    @Test
    void truncatedShardIsAnErrorNamingIt() throws IOException {
        Path d = Fixtures.copy("hf-small", tmp);
        Path shard = d.resolve("validation/data-00000-of-00002.arrow");
        try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3000);
        }
        UserError e = assertThrows(UserError.class, () -> HfDiskDataset.open(d));
        assertTrue(e.getMessage().startsWith(shard + " is truncated"), e.getMessage());
    }

    @Test
    void shardListedInStateJsonButAbsentIsAnErrorNamingIt() throws IOException {
        Path d = Fixtures.copy("hf-small", tmp);
        Path shard = d.resolve("train/data-00002-of-00003.arrow");
        Files.delete(shard);
        UserError e = assertThrows(UserError.class, () -> HfDiskDataset.open(d));
        assertTrue(e.getMessage().startsWith(shard + " is listed in " + d.resolve("train/state.json") + " but absent"), e.getMessage());
    }

    @Test
    void missingColumnIsAnErrorNamingShardAndColumn() {
        Path d = Fixtures.path("hf-missing-label");
        UserError e = assertThrows(UserError.class, () -> HfDiskDataset.open(d));
        assertTrue(e.getMessage().startsWith(d.resolve("train/data-00000-of-00001.arrow") + " has no \"label\" column"), e.getMessage());
    }

    @Test
    void missingStateJsonAndSplitFolderAreErrorsNamingThem() throws IOException {
        Path d = Fixtures.copy("hf-small", tmp);
        Files.delete(d.resolve("validation/state.json"));
        UserError e = assertThrows(UserError.class, () -> HfDiskDataset.open(d));
        assertTrue(e.getMessage().startsWith(d.resolve("validation/state.json") + " is missing"), e.getMessage());
        Files.writeString(d.resolve("dataset_dict.json"), "{\"splits\": [\"train\", \"extra\"]}");
        e = assertThrows(UserError.class, () -> HfDiskDataset.open(d));
        assertTrue(e.getMessage().contains("the folder " + d.resolve("extra") + " is missing"), e.getMessage());
    }

    @Test
    void truncatedImageIsAnErrorNamingSplitRowAndFileId() throws IOException {
        Path d = Fixtures.copy("hf-small", tmp);
        Path shard = d.resolve("train/data-00000-of-00003.arrow");
        byte[] jpeg;
        try (HfDiskDataset ok = HfDiskDataset.open(d)) {
            jpeg = ok.split("train").imageBytes(2);
            assertEquals(ImageFormat.JPEG, ImageFormat.check(ok.split("train").checkedImageBytes(2), "x"));
            assertEquals(ImageFormat.PNG, ImageFormat.check(ok.split("train").checkedImageBytes(3), "x"));
        }
        // Overwrite the JPEG's end marker inside the shard: the Arrow structure stays valid, the image is cut.
        byte[] file = Files.readAllBytes(shard);
        int at = indexOf(file, jpeg);
        assertTrue(at > 0);
        file[at + jpeg.length - 2] = 0;
        file[at + jpeg.length - 1] = 0;
        Files.write(shard, file);
        try (HfDiskDataset cut = HfDiskDataset.open(d)) {
            UserError e = assertThrows(UserError.class, () -> cut.split("train").checkedImageBytes(2));
            assertEquals("The image of split train, row 2, file_id Synthetic/GenA/train2 is a truncated JPEG file (its end marker is missing); restore the complete image or remove the row.", e.getMessage());
        }
        assertThrows(UserError.class, () -> ImageFormat.check(new byte[0], "x"));
        assertThrows(UserError.class, () -> ImageFormat.check("<html>".getBytes(StandardCharsets.US_ASCII), "x"));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void imageReadsFailAfterClose() {
        HfDiskDataset d = HfDiskDataset.open(Fixtures.path("hf-small"));
        SplitTable t = d.split("train");
        d.close();
        d.close();
        assertThrows(IllegalStateException.class, () -> t.imageBytes(0));
    }
}
