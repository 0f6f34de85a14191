package dev.genbench.minibench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfDatasetWriterTest {

    private static List<HfRow> rows(int fakes, int reals, int imageBytes) {
        List<HfRow> out = new ArrayList<>();
        for (int i = 0; i < fakes; i++) {
            byte[] b = new byte[imageBytes];
            b[0] = (byte) i;
            out.add(new HfRow(b, "f" + i + ".jpg", 200 + i, 300, 1, "gen-" + (i % 2), "mini/f" + i, "", "", "", "image/r" + i,
                    "mini_genbench", List.of("r" + i)));
        }
        for (int i = 0; i < reals; i++) {
            byte[] b = new byte[imageBytes];
            b[1] = (byte) i;
            out.add(new HfRow(b, "r" + i + ".jpg", 250, 260 + i, 0, "", "r" + i, "a photo", "", "", "", "debian:x", List.of()));
        }
        return out;
    }

    @Test
    void writesTheAiGenBenchSchemaInShardedStreamsThatReadBack(@TempDir Path dir) throws Exception {
        List<HfRow> rows = rows(70, 70, 1000);
        // 140 rows of 1000 bytes with 40 kB shards: 4 shards (35 + 35 + ... rows).
        List<Path> shards = HfDatasetWriter.writeSplit(dir.resolve("train"), rows, 40_000, "fp");
        HfDatasetWriter.writeDatasetDict(dir, List.of("train"));
        assertEquals(4, shards.size());
        assertEquals(List.of("data-00000-of-00004.arrow", "data-00001-of-00004.arrow", "data-00002-of-00004.arrow", "data-00003-of-00004.arrow"),
                shards.stream().map(p -> p.getFileName().toString()).toList());

        ObjectMapper json = new ObjectMapper();
        assertEquals("train", json.readTree(dir.resolve("dataset_dict.json").toFile()).path("splits").get(0).asText());
        JsonNode state = json.readTree(dir.resolve("train/state.json").toFile());
        assertEquals(4, state.path("_data_files").size());
        assertEquals("data-00002-of-00004.arrow", state.path("_data_files").get(2).path("filename").asText());
        JsonNode features = json.readTree(dir.resolve("train/dataset_info.json").toFile()).path("features");
        assertEquals(HfDatasetWriter.COLUMNS, iterableNames(features));
        assertEquals("ClassLabel", features.path("label").path("_type").asText());
        assertEquals("real", features.path("label").path("names").get(0).asText());
        assertEquals("uint32", features.path("width").path("dtype").asText());
        assertEquals("LargeList", features.path("paired_real_images").path("_type").asText());

        int total = 0;
        try (BufferAllocator allocator = new RootAllocator()) {
            for (Path shard : shards) {
                try (InputStream in = Files.newInputStream(shard); ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
                    Schema schema = reader.getVectorSchemaRoot().getSchema();
                    assertEquals(HfDatasetWriter.COLUMNS, schema.getFields().stream().map(Field::getName).toList());
                    Field image = schema.findField("image");
                    assertEquals(ArrowType.ArrowTypeID.Struct, image.getType().getTypeID());
                    assertEquals(ArrowType.Binary.INSTANCE, image.getChildren().get(0).getType());
                    assertEquals("bytes", image.getChildren().get(0).getName());
                    assertEquals(ArrowType.Utf8.INSTANCE, image.getChildren().get(1).getType());
                    assertEquals("path", image.getChildren().get(1).getName());
                    assertEquals(new ArrowType.Int(32, false), schema.findField("height").getType());
                    assertEquals(new ArrowType.Int(32, false), schema.findField("width").getType());
                    assertEquals(new ArrowType.Int(64, true), schema.findField("label").getType());
                    for (String s : List.of("generator", "file_id", "description", "positive_prompt", "negative_prompt", "conditioning", "origin_dataset")) {
                        assertEquals(ArrowType.LargeUtf8.INSTANCE, schema.findField(s).getType(), s);
                    }
                    Field paired = schema.findField("paired_real_images");
                    assertEquals(ArrowType.LargeList.INSTANCE, paired.getType());
                    assertEquals(ArrowType.LargeUtf8.INSTANCE, paired.getChildren().getFirst().getType());
                    JsonNode meta = json.readTree(schema.getCustomMetadata().get("huggingface"));
                    assertEquals("Image", meta.path("info").path("features").path("image").path("_type").asText());
                    while (reader.loadNextBatch()) {
                        total += reader.getVectorSchemaRoot().getRowCount();
                    }
                }
            }
        }
        assertEquals(140, total);

        // Rows come back in order with their values, through the same reader the cue check uses.
        List<HfSplitReader.Row> back = HfSplitReader.read(dir.resolve("train"));
        assertEquals(140, back.size());
        assertEquals("gen-1", back.get(1).generator());
        assertEquals(201, back.get(1).width());
        assertEquals(List.of("r1"), back.get(1).pairedRealImages());
        assertEquals(0, back.get(75).label());
        assertEquals("", back.get(75).generator());
        assertEquals(265, back.get(75).height());
        assertArrayEquals(rows.get(75).imageBytes(), back.get(75).image());
    }

    @Test
    void sameRowsGiveByteIdenticalFiles(@TempDir Path dir) throws Exception {
        HfDatasetWriter.writeSplit(dir.resolve("a/train"), rows(5, 5, 100), 1 << 20, "fp");
        HfDatasetWriter.writeSplit(dir.resolve("b/train"), rows(5, 5, 100), 1 << 20, "fp");
        assertEquals(MiniBenchmarkBuilder.contentHash(dir.resolve("a")), MiniBenchmarkBuilder.contentHash(dir.resolve("b")));
        HfDatasetWriter.writeSplit(dir.resolve("c/train"), rows(5, 6, 100), 1 << 20, "fp");
        assertTrue(!MiniBenchmarkBuilder.contentHash(dir.resolve("a")).equals(MiniBenchmarkBuilder.contentHash(dir.resolve("c"))));
    }

    private static List<String> iterableNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
