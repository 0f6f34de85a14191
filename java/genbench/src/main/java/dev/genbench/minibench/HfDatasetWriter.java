package dev.genbench.minibench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes a {@code DatasetDict} the way Hugging Face {@code save_to_disk} does, with AI-GenBench's columns
 * (SPEC §1): {@code dataset_dict.json}, and per split {@code dataset_info.json}, {@code state.json} and
 * {@code data-0000i-of-0000n.arrow} shards in Arrow IPC stream format, the HF feature description in the
 * schema metadata under {@code huggingface}. The output is a pure function of the rows: no time stamps, no
 * random fingerprints, so one seed gives byte-identical files.
 */
final class HfDatasetWriter {
    static final List<String> COLUMNS = List.of("image", "height", "width", "label", "generator", "file_id", "description",
            "positive_prompt", "negative_prompt", "conditioning", "origin_dataset", "paired_real_images");
    private static final int ROWS_PER_BATCH = 64;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfDatasetWriter() {}

    static void writeDatasetDict(Path root, List<String> splits) throws IOException {
        ObjectNode dict = JSON.createObjectNode();
        ArrayNode names = dict.putArray("splits");
        splits.forEach(names::add);
        Files.createDirectories(root);
        Files.writeString(root.resolve("dataset_dict.json"), JSON.writeValueAsString(dict), StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code rows} into {@code splitDir}, starting a new shard when the current one holds about
     * {@code maxShardBytes} of image bytes. Returns the shard files in order.
     */
    static List<Path> writeSplit(Path splitDir, List<HfRow> rows, long maxShardBytes, String fingerprint) throws IOException {
        Files.createDirectories(splitDir);
        List<List<HfRow>> shards = new ArrayList<>();
        List<HfRow> current = new ArrayList<>();
        long bytes = 0;
        for (HfRow row : rows) {
            if (!current.isEmpty() && bytes + row.imageBytes().length > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(row);
            bytes += row.imageBytes().length;
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        List<Path> files = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator()) {
            for (int i = 0; i < shards.size(); i++) {
                Path file = splitDir.resolve(String.format("data-%05d-of-%05d.arrow", i, shards.size()));
                writeShard(file, shards.get(i), allocator);
                files.add(file);
            }
        }
        Files.writeString(splitDir.resolve("dataset_info.json"), JSON.writeValueAsString(datasetInfo()), StandardCharsets.UTF_8);
        Files.writeString(splitDir.resolve("state.json"), JSON.writeValueAsString(state(files, fingerprint)), StandardCharsets.UTF_8);
        return files;
    }

    static Schema schema() {
        Field bytes = Field.nullable("bytes", ArrowType.Binary.INSTANCE);
        Field path = Field.nullable("path", ArrowType.Utf8.INSTANCE);
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("image", FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(bytes, path)));
        fields.add(Field.nullable("height", new ArrowType.Int(32, false)));
        fields.add(Field.nullable("width", new ArrowType.Int(32, false)));
        fields.add(Field.nullable("label", new ArrowType.Int(64, true)));
        for (String s : List.of("generator", "file_id", "description", "positive_prompt", "negative_prompt", "conditioning", "origin_dataset")) {
            fields.add(Field.nullable(s, ArrowType.LargeUtf8.INSTANCE));
        }
        fields.add(new Field("paired_real_images", FieldType.nullable(ArrowType.LargeList.INSTANCE),
                List.of(Field.nullable("item", ArrowType.LargeUtf8.INSTANCE))));
        ObjectNode meta = JSON.createObjectNode();
        meta.putObject("info").set("features", features());
        try {
            return new Schema(fields, Map.of("huggingface", new ObjectMapper().writeValueAsString(meta)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeShard(Path file, List<HfRow> rows, BufferAllocator allocator) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema(), allocator);
                OutputStream out = Files.newOutputStream(tmp);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            writer.start();
            for (int start = 0; start < rows.size(); start += ROWS_PER_BATCH) {
                List<HfRow> batch = rows.subList(start, Math.min(rows.size(), start + ROWS_PER_BATCH));
                fill(root, batch);
                writer.writeBatch();
            }
            writer.end();
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void fill(VectorSchemaRoot root, List<HfRow> batch) {
        root.allocateNew();
        StructVector image = (StructVector) root.getVector("image");
        VarBinaryVector bytes = image.getChild("bytes", VarBinaryVector.class);
        VarCharVector path = image.getChild("path", VarCharVector.class);
        UInt4Vector height = (UInt4Vector) root.getVector("height");
        UInt4Vector width = (UInt4Vector) root.getVector("width");
        BigIntVector label = (BigIntVector) root.getVector("label");
        LargeListVector paired = (LargeListVector) root.getVector("paired_real_images");
        LargeVarCharVector pairedItems = (LargeVarCharVector) paired.getDataVector();
        for (int i = 0; i < batch.size(); i++) {
            HfRow r = batch.get(i);
            image.setIndexDefined(i);
            bytes.setSafe(i, r.imageBytes());
            path.setSafe(i, r.imagePath().getBytes(StandardCharsets.UTF_8));
            height.setSafe(i, r.height());
            width.setSafe(i, r.width());
            label.setSafe(i, r.label());
            text(root, "generator", i, r.generator());
            text(root, "file_id", i, r.fileId());
            text(root, "description", i, r.description());
            text(root, "positive_prompt", i, r.positivePrompt());
            text(root, "negative_prompt", i, r.negativePrompt());
            text(root, "conditioning", i, r.conditioning());
            text(root, "origin_dataset", i, r.originDataset());
            long offset = paired.startNewValue(i);
            for (int j = 0; j < r.pairedRealImages().size(); j++) {
                pairedItems.setSafe((int) (offset + j), r.pairedRealImages().get(j).getBytes(StandardCharsets.UTF_8));
            }
            paired.endValue(i, r.pairedRealImages().size());
        }
        int n = batch.size();
        bytes.setValueCount(n);
        path.setValueCount(n);
        image.setValueCount(n);
        paired.setValueCount(n);
        root.setRowCount(n);
    }

    private static void text(VectorSchemaRoot root, String column, int i, String value) {
        ((LargeVarCharVector) root.getVector(column)).setSafe(i, value.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode features() {
        ObjectNode f = JSON.createObjectNode();
        f.putObject("image").put("_type", "Image");
        f.putObject("height").put("dtype", "uint32").put("_type", "Value");
        f.putObject("width").put("dtype", "uint32").put("_type", "Value");
        ObjectNode label = f.putObject("label");
        label.putArray("names").add("real").add("fake");
        label.put("_type", "ClassLabel");
        for (String s : List.of("generator", "file_id", "description", "positive_prompt", "negative_prompt", "conditioning", "origin_dataset")) {
            f.putObject(s).put("dtype", "large_string").put("_type", "Value");
        }
        ObjectNode paired = f.putObject("paired_real_images");
        paired.putObject("feature").put("dtype", "large_string").put("_type", "Value");
        paired.put("_type", "LargeList");
        return f;
    }

    private static ObjectNode datasetInfo() {
        ObjectNode info = JSON.createObjectNode();
        info.put("citation", "");
        info.put("description", "genbench mini benchmark: real photos from Debian packages and their upscalerjs ESRGAN"
                + " super-resolution counterparts (a pipeline demonstration, not AI-GenBench).");
        info.set("features", features());
        info.put("homepage", "");
        info.put("license", "");
        return info;
    }

    private static ObjectNode state(List<Path> files, String fingerprint) {
        ObjectNode state = JSON.createObjectNode();
        ArrayNode data = state.putArray("_data_files");
        files.forEach(f -> data.addObject().put("filename", f.getFileName().toString()));
        state.put("_fingerprint", fingerprint);
        state.putNull("_format_columns");
        state.putObject("_format_kwargs");
        state.putNull("_format_type");
        state.put("_output_all_columns", false);
        state.putNull("_split");
        return state;
    }
}
