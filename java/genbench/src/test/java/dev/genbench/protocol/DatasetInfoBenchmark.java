package dev.genbench.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.data.HfDiskDataset;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dataset info} over a synthetic dataset of the v1.0 shape (288,000 train and 72,000 validation rows,
 * 36 generators, fakes first), written in the save_to_disk layout with 1,000-row record batches. Prints the
 * time and heap of opening, loading, planning all windows and summarising. Not a timed test: it only
 * checks the counts and that the retained heap stays a few dozen bytes per row.
 *
 * <p>Run: {@code ./mvnw -q test -pl java/genbench -am -Dtest=DatasetInfoBenchmark -Dgenbench.excluded.tags=none
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class DatasetInfoBenchmark {
    private static final int IMAGE_BYTES = 512;

    @TempDir
    Path tmp;

    @Test
    void datasetInfoOverA360kRowDatasetInBoundedMemory() throws IOException {
        // -Dgenbench.bench.dataset=DIR keeps the synthetic dataset there, to time `genbench dataset info` on it.
        String keep = System.getProperty("genbench.bench.dataset");
        Path root = keep != null ? Path.of(keep) : tmp.resolve("synthetic");
        long t0 = System.nanoTime();
        List<String> names = SyntheticSplits.sortedBenchmarkNames();
        write(root, "train", names, 4000, 144_000, 10);
        write(root, "validation", names, 1000, 36_000, 3);
        Files.writeString(root.resolve("dataset_dict.json"), "{\"splits\": [\"train\", \"validation\"]}");
        double writeS = (System.nanoTime() - t0) / 1e9;

        System.gc();
        long before = usedHeap();
        resetPeaks();
        long t1 = System.nanoTime();
        HfDiskDataset dataset = HfDiskDataset.open(root);
        double openS = (System.nanoTime() - t1) / 1e9;
        BenchmarkData data = BenchmarkData.load(dataset, BenchmarkData.catalogueFor(dataset, Optional.empty()));
        ProtocolPlan.Settings settings = ProtocolPlan.Settings.benchmark();
        ProtocolPlan plan = ProtocolPlan.build(data.catalogue(), data.train().labelled(), data.validation().labelled(), settings);
        DatasetInfo info = DatasetInfo.of(data, plan, settings);
        String text = info.toText();
        double totalS = (System.nanoTime() - t1) / 1e9;
        long peak = peakHeap();
        System.gc();
        long retainedWithPlan = usedHeap() - before;
        plan = null;
        info = null;
        System.gc();
        long retainedMetadata = usedHeap() - before;

        assertEquals(288_000, data.train().size());
        assertEquals(72_000, data.validation().size());
        assertTrue(text.contains("8 "), text);
        long metadataBytes = dataset.split("train").metadataBytes() + dataset.split("validation").metadataBytes();
        long t2 = System.nanoTime();
        try (HfDiskDataset again = HfDiskDataset.open(root)) {
            assertEquals(288_000, again.split("train").size());
        }
        double reopenS = (System.nanoTime() - t2) / 1e9;
        System.out.println(text);
        System.out.printf(Locale.ROOT, "synthetic 360,000 rows (%d-byte images): write %.1f s; open %.2f s (again, warm JIT: %.2f s); open+load+plan(9 windows, val, test)+info %.2f s%n",
                IMAGE_BYTES, writeS, openS, reopenS, totalS);
        System.out.printf(Locale.ROOT, "heap: peak during the run %.1f MiB over the start; retained metadata %.1f MiB (%.0f B/row, arrays %.1f MiB); retained with plan %.1f MiB%n",
                (peak - before) / 1048576.0, retainedMetadata / 1048576.0, retainedMetadata / 360_000.0, metadataBytes / 1048576.0, retainedWithPlan / 1048576.0);
        assertTrue(retainedMetadata < 360_000L * 200, "metadata should stay compact: " + retainedMetadata + " bytes");
        data.close();
    }

    private static void write(Path root, String split, List<String> generators, int perGenerator, int reals, int shards) throws IOException {
        Path dir = root.resolve(split);
        Files.createDirectories(dir);
        int n = generators.size() * perGenerator + reals;
        Field bytes = new Field("bytes", FieldType.nullable(new ArrowType.Binary()), null);
        Field path = new Field("path", FieldType.nullable(new ArrowType.Utf8()), null);
        Schema schema = new Schema(List.of(
                new Field("image", FieldType.nullable(new ArrowType.Struct()), List.of(bytes, path)),
                new Field("label", FieldType.nullable(new ArrowType.Int(64, true)), null),
                new Field("generator", FieldType.nullable(new ArrowType.LargeUtf8()), null),
                new Field("file_id", FieldType.nullable(new ArrowType.LargeUtf8()), null),
                new Field("description", FieldType.nullable(new ArrowType.LargeUtf8()), null)));
        byte[] image = new byte[IMAGE_BYTES];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (i * 31);
        }
        List<String> files = new ArrayList<>();
        int perShard = (n + shards - 1) / shards;
        try (BufferAllocator alloc = new RootAllocator()) {
            for (int s = 0; s < shards; s++) {
                String name = String.format(Locale.ROOT, "data-%05d-of-%05d.arrow", s, shards);
                files.add("{\"filename\": \"" + name + "\"}");
                try (VectorSchemaRoot vsr = VectorSchemaRoot.create(schema, alloc);
                     OutputStream out = Files.newOutputStream(dir.resolve(name));
                     ArrowStreamWriter writer = new ArrowStreamWriter(vsr, null, out)) {
                    writer.start();
                    StructVector img = (StructVector) vsr.getVector("image");
                    VarBinaryVector imgBytes = (VarBinaryVector) img.getChild("bytes");
                    VarCharVector imgPath = (VarCharVector) img.getChild("path");
                    BigIntVector label = (BigIntVector) vsr.getVector("label");
                    LargeVarCharVector gen = (LargeVarCharVector) vsr.getVector("generator");
                    LargeVarCharVector fileId = (LargeVarCharVector) vsr.getVector("file_id");
                    LargeVarCharVector desc = (LargeVarCharVector) vsr.getVector("description");
                    int end = Math.min(n, (s + 1) * perShard);
                    for (int start = s * perShard; start < end; start += 1000) {
                        int rows = Math.min(1000, end - start);
                        vsr.allocateNew();
                        for (int i = 0; i < rows; i++) {
                            int row = start + i;
                            int g = row / perGenerator;
                            String generator = g < generators.size() ? generators.get(g) : "";
                            img.setIndexDefined(i);
                            imgBytes.setSafe(i, image);
                            imgPath.setSafe(i, ("img" + row + ".jpg").getBytes(StandardCharsets.UTF_8));
                            label.setSafe(i, generator.isEmpty() ? 0 : 1);
                            gen.setSafe(i, generator.getBytes(StandardCharsets.UTF_8));
                            fileId.setSafe(i, ((generator.isEmpty() ? "LAION-400M/" : "Synthetic/" + generator + "/") + row).getBytes(StandardCharsets.UTF_8));
                            desc.setSafe(i, "a synthetic row".getBytes(StandardCharsets.UTF_8));
                        }
                        vsr.setRowCount(rows);
                        writer.writeBatch();
                    }
                    writer.end();
                }
            }
        }
        Files.writeString(dir.resolve("state.json"), "{\"_data_files\": [" + String.join(", ", files) + "], \"_fingerprint\": \"bench\"}");
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
