package dev.genbench.data;

import dev.genbench.config.DatasetFormat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderAndCsvDatasetTest {
    @TempDir
    Path tmp;
    private byte[] jpeg;
    private byte[] png;

    @BeforeEach
    void takeRealImagesFromTheArrowFixture() {
        try (HfDiskDataset d = HfDiskDataset.open(Fixtures.path("hf-small"))) {
            jpeg = d.split("train").imageBytes(0);
            png = d.split("train").imageBytes(1);
        }
    }

    private void put(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    @Test
    void folderLayoutListsFakeGeneratorsInCodePointOrderThenRealAndReadsImagesOnDemand() throws IOException {
        Path root = tmp.resolve("folders");
        put(root.resolve("train/real/b.jpg"), jpeg);
        put(root.resolve("train/real/a.png"), png);
        put(root.resolve("train/GenB/x.jpg"), jpeg);
        put(root.resolve("train/GenA/sub/y.png"), png);
        put(root.resolve("train/GenA/notes.txt"), new byte[] {1});
        put(root.resolve("validation/real/r.jpg"), jpeg);
        put(root.resolve("validation/GenA/f.jpg"), jpeg);
        Files.writeString(root.resolve("generators.csv"), "GenA,2020-01-01\nGenB,2020-02-01\n");
        try (Dataset d = Datasets.open(root, DatasetFormat.AUTO)) {
            assertEquals(DatasetFormat.FOLDER, d.format());
            assertEquals(List.of("train", "validation"), d.splits());
            SplitTable t = d.split("train");
            assertEquals(4, t.size());
            assertEquals(List.of("GenA/sub/y.png", "GenB/x.jpg", "real/a.png", "real/b.jpg"),
                    List.of(t.fileId(0), t.fileId(1), t.fileId(2), t.fileId(3)));
            assertEquals(List.of("GenA", "GenB", "", ""), List.of(t.generator(0), t.generator(1), t.generator(2), t.generator(3)));
            assertEquals(1, t.label(1));
            assertEquals(0, t.label(2));
            assertEquals(3, t.id(3));
            assertArrayEquals(png, t.imageBytes(0));
            assertArrayEquals(jpeg, t.imageBytes(3));
            assertTrue(d.catalogueFile().isPresent());
            Files.delete(root.resolve("train/real/b.jpg"));
            UserError e = assertThrows(UserError.class, () -> t.imageBytes(3));
            assertTrue(e.getMessage().contains("train/real/b.jpg of split train, row 3 does not exist"), e.getMessage());
        }
    }

    @Test
    void csvManifestKeepsItsOrderAndOptionalColumns() throws IOException {
        put(tmp.resolve("img/one.jpg"), jpeg);
        put(tmp.resolve("img/two.png"), png);
        Path manifest = tmp.resolve("manifest.csv");
        Files.writeString(manifest, """
                split,path,generator,file_id,id
                train,img/two.png,"Diffusion GAN (StyleGAN2)",origin/2,7
                train,img/one.jpg,,origin/1,3
                validation,img/one.jpg,real,origin/1v,0
                """);
        try (Dataset d = Datasets.open(manifest, DatasetFormat.AUTO)) {
            assertEquals(DatasetFormat.CSV, d.format());
            assertEquals(List.of("train", "validation"), d.splits());
            SplitTable t = d.split("train");
            assertEquals("Diffusion GAN (StyleGAN2)", t.generator(0));
            assertEquals(1, t.label(0));
            assertEquals("", t.generator(1));
            assertEquals(0, t.label(1));
            assertEquals(7, t.id(0));
            assertEquals("origin/1", t.fileId(1));
            assertArrayEquals(png, t.imageBytes(0));
            assertEquals("", d.split("validation").generator(0));
        }
    }

    @Test
    void csvManifestErrorsNameFileLineAndColumn() throws IOException {
        Path manifest = tmp.resolve("m.csv");
        Files.writeString(manifest, "split,path\ntrain,a.jpg\n");
        UserError e = assertThrows(UserError.class, () -> CsvManifestDataset.open(manifest));
        assertTrue(e.getMessage().startsWith(manifest + " has no \"generator\" column"), e.getMessage());
        Files.writeString(manifest, "split,path,generator,label\ntrain,a.jpg,GenA,2\n");
        e = assertThrows(UserError.class, () -> CsvManifestDataset.open(manifest));
        assertTrue(e.getMessage().startsWith(manifest + " line 2 has label \"2\""), e.getMessage());
        Files.writeString(manifest, "split,path,generator\ntrain,\"a.jpg,GenA\n");
        e = assertThrows(UserError.class, () -> CsvManifestDataset.open(manifest));
        assertTrue(e.getMessage().contains("unclosed quote"), e.getMessage());
    }

    @Test
    void autoDetectionPicksHfForAFolderWithShardsAndNamesTheMissingDatasetDict() throws IOException {
        assertEquals(DatasetFormat.HF_DISK, Datasets.detect(Fixtures.path("hf-small")));
        Path copy = Fixtures.copy("hf-small", tmp);
        Files.delete(copy.resolve("dataset_dict.json"));
        UserError e = assertThrows(UserError.class, () -> Datasets.open(copy, DatasetFormat.AUTO));
        assertTrue(e.getMessage().startsWith(copy.resolve("dataset_dict.json") + " is missing"), e.getMessage());
        Path none = tmp.resolve("nothing-here");
        e = assertThrows(UserError.class, () -> Datasets.open(none, DatasetFormat.AUTO));
        assertTrue(e.getMessage().startsWith("The dataset path " + none + " does not exist"), e.getMessage());
    }
}
