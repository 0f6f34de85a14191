package dev.genbench.minibench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

/**
 * Reads back the columns the mini benchmark's own checks need from one split of a {@code save_to_disk}
 * folder, shard by shard in {@code state.json} order. The framework's general reader lives in
 * {@code dev.genbench.data}; this one exists so that the builder can verify what it wrote without depending on it.
 */
final class HfSplitReader {
    /** The columns of one row that the checks use. */
    record Row(byte[] image, int width, int height, int label, String generator, String fileId, List<String> pairedRealImages) {}

    private HfSplitReader() {}

    static List<String> splits(Path root) {
        try {
            JsonNode dict = new ObjectMapper().readTree(root.resolve("dataset_dict.json").toFile());
            List<String> out = new ArrayList<>();
            dict.path("splits").forEach(s -> out.add(s.asText()));
            return out;
        } catch (IOException e) {
            throw new UserError(root.resolve("dataset_dict.json") + " is missing or unreadable (" + e.getMessage()
                    + "); point at a folder written by save_to_disk or run `genbench make-mini-benchmark`.", e);
        }
    }

    static List<Path> shards(Path splitDir) throws IOException {
        JsonNode state = new ObjectMapper().readTree(splitDir.resolve("state.json").toFile());
        List<Path> out = new ArrayList<>();
        state.path("_data_files").forEach(f -> out.add(splitDir.resolve(f.path("filename").asText())));
        return out;
    }

    static List<Row> read(Path splitDir) {
        List<Row> rows = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator()) {
            for (Path shard : shards(splitDir)) {
                try (InputStream in = Files.newInputStream(shard); ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
                    VectorSchemaRoot root = reader.getVectorSchemaRoot();
                    while (reader.loadNextBatch()) {
                        StructVector image = (StructVector) root.getVector("image");
                        FieldVector bytes = image.getChild("bytes");
                        UInt4Vector width = (UInt4Vector) root.getVector("width");
                        UInt4Vector height = (UInt4Vector) root.getVector("height");
                        BigIntVector label = (BigIntVector) root.getVector("label");
                        FieldVector generator = root.getVector("generator");
                        FieldVector fileId = root.getVector("file_id");
                        LargeListVector paired = (LargeListVector) root.getVector("paired_real_images");
                        for (int i = 0; i < root.getRowCount(); i++) {
                            List<String> pairs = new ArrayList<>();
                            for (Object o : paired.getObject(i)) {
                                pairs.add(o.toString());
                            }
                            rows.add(new Row(((VarBinaryVector) bytes).get(i), (int) width.getValueAsLong(i), (int) height.getValueAsLong(i),
                                    (int) label.get(i), text(generator, i), text(fileId, i), pairs));
                        }
                    }
                }
            }
        } catch (IOException | ClassCastException e) {
            throw new UserError("cannot read the Arrow shards of " + splitDir + " (" + e.getMessage() + "); rebuild it with `genbench make-mini-benchmark`.", e);
        }
        return rows;
    }

    private static String text(FieldVector v, int i) {
        Object o = v.getObject(i);
        return o == null ? "" : o.toString();
    }
}
