package dev.genbench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.MetadataVersion;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IPC variants the npm fixtures do not cover, written with Arrow Java's own writers. */
class ArrowIpcStreamTest {
    @TempDir
    Path tmp;

    private enum Mode { STREAM, LEGACY_STREAM, FILE }

    private Path writeDataset(Mode mode, boolean withNullColumn) throws IOException {
        Path root = tmp.resolve(mode + "-" + withNullColumn);
        Path dir = root.resolve("train");
        Files.createDirectories(dir);
        Files.writeString(root.resolve("dataset_dict.json"), "{\"splits\": [\"train\"]}");
        Files.writeString(dir.resolve("state.json"), "{\"_data_files\": [{\"filename\": \"data-00000-of-00001.arrow\"}]}");
        Field image = new Field("image", FieldType.nullable(new ArrowType.Struct()), List.of(
                new Field("bytes", FieldType.nullable(new ArrowType.Binary()), null),
                new Field("path", FieldType.nullable(new ArrowType.Utf8()), null)));
        List<Field> fields = new java.util.ArrayList<>(List.of(image,
                new Field("label", FieldType.nullable(new ArrowType.Int(64, true)), null),
                new Field("generator", FieldType.nullable(new ArrowType.Utf8()), null)));
        if (withNullColumn) {
            fields.add(1, new Field("nothing", FieldType.nullable(ArrowType.Null.INSTANCE), null));
        }
        Schema schema = new Schema(fields);
        try (BufferAllocator alloc = new RootAllocator(); VectorSchemaRoot vsr = VectorSchemaRoot.create(schema, alloc);
             OutputStream out = Files.newOutputStream(dir.resolve("data-00000-of-00001.arrow"))) {
            StructVector img = (StructVector) vsr.getVector("image");
            VarBinaryVector bytes = (VarBinaryVector) img.getChild("bytes");
            BigIntVector label = (BigIntVector) vsr.getVector("label");
            VarCharVector gen = (VarCharVector) vsr.getVector("generator");
            vsr.allocateNew();
            String[] gens = {"GenA", "", "GenB"};
            for (int i = 0; i < 3; i++) {
                img.setIndexDefined(i);
                bytes.setSafe(i, ("image-" + i).getBytes(StandardCharsets.US_ASCII));
                label.setSafe(i, gens[i].isEmpty() ? 0 : 1);
                gen.setSafe(i, gens[i].getBytes(StandardCharsets.UTF_8));
            }
            if (withNullColumn) {
                ((NullVector) vsr.getVector("nothing")).setValueCount(3);
            }
            vsr.setRowCount(3);
            DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
            IpcOption option = mode == Mode.LEGACY_STREAM ? new IpcOption(true, MetadataVersion.V4) : IpcOption.DEFAULT;
            try (ArrowWriter writer = mode == Mode.FILE
                    ? new ArrowFileWriter(vsr, provider, Channels.newChannel(out))
                    : new ArrowStreamWriter(vsr, provider, Channels.newChannel(out), option)) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
        }
        return root;
    }

    private static void assertReadsThreeRows(Path root) {
        try (HfDiskDataset d = HfDiskDataset.open(root)) {
            SplitTable t = d.split("train");
            assertEquals(3, t.size());
            assertEquals(List.of("GenA", "", "GenB"), List.of(t.generator(0), t.generator(1), t.generator(2)));
            assertEquals(0, t.label(1));
            assertArrayEquals("image-2".getBytes(StandardCharsets.US_ASCII), t.imageBytes(2));
            assertEquals("", t.fileId(0), "file_id is optional and empty when absent");
        }
    }

    @Test
    void readsStreamsWrittenByArrowJava() throws IOException {
        assertReadsThreeRows(writeDataset(Mode.STREAM, false));
    }

    @Test
    void readsLegacyStreamsWithoutContinuationMarkers() throws IOException {
        Path root = writeDataset(Mode.LEGACY_STREAM, false);
        byte[] head = Files.readAllBytes(root.resolve("train/data-00000-of-00001.arrow"));
        assertTrue(head[0] != (byte) 0xFF || head[1] != (byte) 0xFF, "the legacy format starts with the length itself");
        assertReadsThreeRows(root);
    }

    @Test
    void readsTheArrowFileFormat() throws IOException {
        assertReadsThreeRows(writeDataset(Mode.FILE, false));
    }

    @Test
    void skipsColumnsOfNullTypeWhichHaveNoBuffers() throws IOException {
        assertReadsThreeRows(writeDataset(Mode.STREAM, true));
    }

    @Test
    void dictionaryEncodedColumnsAreAnErrorNamingTheShard() throws IOException {
        Path root = tmp.resolve("dictionary");
        Path dir = root.resolve("train");
        Files.createDirectories(dir);
        Files.writeString(root.resolve("dataset_dict.json"), "{\"splits\": [\"train\"]}");
        Files.writeString(dir.resolve("state.json"), "{\"_data_files\": [{\"filename\": \"data-00000-of-00001.arrow\"}]}");
        DictionaryEncoding encoding = new DictionaryEncoding(1L, false, null);
        Schema schema = new Schema(List.of(new Field("generator", new FieldType(true, new ArrowType.Int(32, true), encoding), null)));
        try (BufferAllocator alloc = new RootAllocator(); VectorSchemaRoot vsr = VectorSchemaRoot.create(schema, alloc);
             VarCharVector dict = new VarCharVector("dict", alloc);
             OutputStream out = Files.newOutputStream(dir.resolve("data-00000-of-00001.arrow"))) {
            dict.allocateNew();
            dict.setSafe(0, "GenA".getBytes(StandardCharsets.UTF_8));
            dict.setValueCount(1);
            DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
            provider.put(new Dictionary(dict, encoding));
            IntVector idx = (IntVector) vsr.getVector("generator");
            idx.allocateNew();
            idx.setSafe(0, 0);
            vsr.setRowCount(1);
            try (ArrowStreamWriter writer = new ArrowStreamWriter(vsr, provider, Channels.newChannel(out))) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
        }
        UserError e = assertThrows(UserError.class, () -> HfDiskDataset.open(root));
        assertTrue(e.getMessage().contains("data-00000-of-00001.arrow"), e.getMessage());
    }
}
