package dev.genbench.data;

import dev.genbench.config.DatasetFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * A Hugging Face {@code DatasetDict} written by {@code save_to_disk} (SPEC §1.1): {@code dataset_dict.json}
 * names the splits; each split folder has {@code state.json}, whose {@code _data_files} give the shard order,
 * and Arrow IPC stream shards. Only the columns {@code label}, {@code generator}, {@code file_id} and the
 * offsets of {@code image.bytes} are read at open; image bytes are read from the memory-mapped shards on
 * demand, so memory does not grow with image sizes and random access costs no Arrow decoding.
 *
 * <p>The image column may be a struct of {@code bytes: binary, path: string} (Hugging Face {@code Image}) or
 * of their 64-bit-offset variants ({@code LargeImage}). Thread-safe for reads; {@link #close()} unmaps the
 * shards, after which image reads fail.
 */
public final class HfDiskDataset extends SplitMapDataset {
    static final String DATASET_DICT = "dataset_dict.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Arena arena;

    private HfDiskDataset(Path root, Arena arena, Map<String, SplitTable> splits) {
        super(root, DatasetFormat.HF_DISK, splits);
        this.root = root;
        this.arena = arena;
    }

    /**
     * Opens the folder and reads every split's metadata.
     *
     * @throws UserError naming the file at fault: a missing folder, {@code dataset_dict.json} or
     *     {@code state.json}, a shard listed but absent, a file that is not Arrow, a missing column
     */
    public static HfDiskDataset open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new UserError("The dataset folder " + root + " does not exist; set the dataset path to the folder that holds dataset_dict.json.");
        }
        Path dict = root.resolve(DATASET_DICT);
        if (!Files.isRegularFile(dict)) {
            throw new UserError(dict + " is missing, so " + root + " is not a Hugging Face save_to_disk dataset; point the dataset path at the folder written by DatasetDict.save_to_disk.");
        }
        List<String> names = new ArrayList<>();
        JsonNode json = readJson(dict);
        JsonNode list = json.get("splits");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new UserError(dict + " has no \"splits\" list; it should read like {\"splits\": [\"train\", \"validation\"]}.");
        }
        list.forEach(n -> names.add(n.asText()));
        Arena arena = Arena.ofShared();
        try {
            Map<String, SplitTable> splits = new LinkedHashMap<>();
            for (String name : names) {
                splits.put(name, readSplit(root, name, arena));
            }
            return new HfDiskDataset(root, arena, splits);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserError(file + " cannot be read as JSON (" + e.getMessage() + "); restore it from the original dataset.", e);
        }
    }

    private static SplitTable readSplit(Path root, String split, Arena arena) {
        Path dir = root.resolve(split);
        if (!Files.isDirectory(dir)) {
            throw new UserError(root.resolve(DATASET_DICT) + " lists the split \"" + split + "\" but the folder " + dir + " is missing; restore it or remove the split from the list.");
        }
        Path state = dir.resolve("state.json");
        if (!Files.isRegularFile(state)) {
            throw new UserError(state + " is missing, so the order of the shards of split " + split + " is unknown; restore it from the original dataset.");
        }
        JsonNode files = readJson(state).get("_data_files");
        if (files == null || !files.isArray() || files.isEmpty()) {
            throw new UserError(state + " has no \"_data_files\" list of shards; restore it from the original dataset.");
        }
        List<Path> shards = new ArrayList<>();
        for (JsonNode f : files) {
            JsonNode name = f.get("filename");
            if (name == null || name.asText().isEmpty()) {
                throw new UserError(state + " has a _data_files entry without a filename; restore it from the original dataset.");
            }
            Path shard = dir.resolve(name.asText());
            if (!Files.isRegularFile(shard)) {
                throw new UserError(shard + " is listed in " + state + " but absent; copy the missing shard into " + dir + ".");
            }
            shards.add(shard);
        }
        return new SplitReader(split, arena).read(shards);
    }

    /** Accumulates one split's metadata across its shards. */
    private static final class SplitReader {
        private final String split;
        private final Arena arena;
        private byte[] labels = new byte[1024];
        private int[] codes = new int[1024];
        private short[] imageShard = new short[1024];
        private long[] imageOffset = new long[1024];
        private int[] imageLength = new int[1024];
        private int rows;
        private final StringColumn.Builder fileIds = new StringColumn.Builder();
        private final Map<String, Integer> generatorCodes = new HashMap<>();
        private final List<String> generatorNames = new ArrayList<>();
        private final List<MemorySegment> segments = new ArrayList<>();
        private final List<Path> files = new ArrayList<>();
        private String lastGenerator;
        private int lastCode;
        private MemorySegment lastSegment;
        private long lastOffset;
        private long lastLength;

        SplitReader(String split, Arena arena) {
            this.split = split;
            this.arena = arena;
        }

        SplitTable read(List<Path> shards) {
            for (Path shard : shards) {
                if (segments.size() >= Short.MAX_VALUE) {
                    throw new UserError("Split " + split + " has more than " + Short.MAX_VALUE + " shards; re-save it with a larger max_shard_size.");
                }
                MemorySegment segment = map(shard);
                ArrowIpcStream stream = ArrowIpcStream.parse(shard, segment);
                segments.add(segment);
                files.add(shard);
                readShard(stream, (short) (segments.size() - 1));
            }
            byte[] l = Arrays.copyOf(labels, rows);
            int[] c = Arrays.copyOf(codes, rows);
            ImageStore images = new MappedImages(split, List.copyOf(segments), List.copyOf(files),
                    Arrays.copyOf(imageShard, rows), Arrays.copyOf(imageOffset, rows), Arrays.copyOf(imageLength, rows));
            return new SplitTable(split, l, c, generatorNames, null, fileIds.build(), images);
        }

        private MemorySegment map(Path shard) {
            try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size == 0) {
                    throw new UserError(shard + " is empty, so it is not an Arrow IPC stream; copy the shard again.");
                }
                return ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            } catch (IOException e) {
                throw new UserError(shard + " cannot be read (" + e.getMessage() + "); check that the file is readable.", e);
            }
        }

        private void readShard(ArrowIpcStream s, short shardIndex) {
            Path file = s.file();
            ArrowIpcStream.Slot label = required(s, "label");
            ArrowIpcStream.Slot generator = required(s, "generator");
            ArrowIpcStream.Slot image = required(s, "image");
            ArrowIpcStream.Slot fileId = s.column("file_id");
            if (!(label.field().getType() instanceof ArrowType.Int)) {
                throw new UserError(file + " stores label as " + label.field().getType() + "; it must be an integer column (0 real, 1 fake).");
            }
            if (!ArrowIpcStream.isString(generator.field().getType())) {
                throw new UserError(file + " stores generator as " + generator.field().getType() + "; it must be a string column.");
            }
            if (fileId != null && !ArrowIpcStream.isString(fileId.field().getType())) {
                throw new UserError(file + " stores file_id as " + fileId.field().getType() + "; it must be a string column.");
            }
            ArrowIpcStream.Slot bytes = null;
            if (image.field().getType() instanceof ArrowType.Struct) {
                for (ArrowIpcStream.Slot c : image.children()) {
                    if (c.field().getName().equals("bytes") && ArrowIpcStream.isBinary(c.field().getType())) {
                        bytes = c;
                    }
                }
            }
            if (bytes == null) {
                throw new UserError(file + " stores image as " + image.field().getType() + "; it must be a struct with a binary \"bytes\" field (the Hugging Face Image feature).");
            }
            for (ArrowIpcStream.Batch b : s.batches()) {
                if (b.rows() > Integer.MAX_VALUE - rows) {
                    throw new UserError("Split " + split + " has more than 2^31 rows, more than genbench handles.");
                }
                int n = (int) b.rows();
                ensure(rows + n);
                for (int i = 0; i < n; i++) {
                    int row = rows + i;
                    if (!s.isValid(b, label, i)) {
                        throw new UserError(file + " has no label in split " + split + ", row " + row + "; every row needs 0 (real) or 1 (fake).");
                    }
                    long v = s.integer(b, label, i);
                    if (v != 0 && v != 1) {
                        throw new UserError(file + " has label " + v + " in split " + split + ", row " + row + "; labels must be 0 (real) or 1 (fake).");
                    }
                    labels[row] = (byte) v;
                    if (!s.isValid(b, generator, i)) {
                        throw new UserError(file + " has no generator in split " + split + ", row " + row + "; use \"\" for real images.");
                    }
                    long[] g = s.variableRange(b, generator, i);
                    // Rows come in long runs of one generator: compare with the previous row's bytes in
                    // place and decode only when the value changes.
                    if (lastGenerator != null && lastSegment == s.segment() && lastLength == g[1]
                            && MemorySegment.mismatch(s.segment(), g[0], g[0] + g[1], s.segment(), lastOffset, lastOffset + lastLength) < 0) {
                        codes[row] = lastCode;
                    } else {
                        lastGenerator = new String(s.bytes(g[0], (int) g[1]), StandardCharsets.UTF_8);
                        lastCode = code(lastGenerator);
                        lastSegment = s.segment();
                        codes[row] = lastCode;
                    }
                    lastOffset = g[0];
                    lastLength = g[1];
                    if (fileId != null && s.isValid(b, fileId, i)) {
                        long[] f = s.variableRange(b, fileId, i);
                        fileIds.addUtf8(s.segment(), f[0], (int) f[1]);
                    } else {
                        fileIds.add("");
                    }
                    imageShard[row] = shardIndex;
                    if (s.isValid(b, image, i) && s.isValid(b, bytes, i)) {
                        long[] r = s.variableRange(b, bytes, i);
                        if (r[1] > Integer.MAX_VALUE - 8) {
                            throw new UserError(file + " has an image over 2 GiB in split " + split + ", row " + row + ", which genbench cannot hold.");
                        }
                        imageOffset[row] = r[0];
                        imageLength[row] = (int) r[1];
                    } else {
                        imageLength[row] = -1;
                    }
                }
                rows += n;
            }
        }

        private ArrowIpcStream.Slot required(ArrowIpcStream s, String column) {
            ArrowIpcStream.Slot slot = s.column(column);
            if (slot == null) {
                throw new UserError(s.file() + " has no \"" + column + "\" column (it has " + String.join(", ", s.columnNames())
                        + "); the dataset needs image, label and generator columns as in AI-GenBench.");
            }
            return slot;
        }

        private int code(String generator) {
            Integer c = generatorCodes.get(generator);
            if (c == null) {
                c = generatorNames.size();
                generatorNames.add(generator);
                generatorCodes.put(generator, c);
            }
            return c;
        }

        private void ensure(int capacity) {
            if (capacity > labels.length) {
                int n = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(capacity, labels.length * 2L));
                labels = Arrays.copyOf(labels, n);
                codes = Arrays.copyOf(codes, n);
                imageShard = Arrays.copyOf(imageShard, n);
                imageOffset = Arrays.copyOf(imageOffset, n);
                imageLength = Arrays.copyOf(imageLength, n);
            }
        }
    }

    /** Image bytes straight from the mapped shards, by recorded offset. */
    private record MappedImages(String split, List<MemorySegment> segments, List<Path> files, short[] shard, long[] offset, int[] length)
            implements ImageStore {
        @Override
        public byte[] read(int row) {
            if (row < 0 || row >= length.length) {
                throw new IndexOutOfBoundsException("row " + row + " of split " + split + " (" + length.length + " rows)");
            }
            if (length[row] < 0) {
                throw new UserError(files.get(shard[row]) + " has no image bytes in split " + split + ", row " + row
                        + " (only a path); genbench needs the images embedded as save_to_disk stores them.");
            }
            return segments.get(shard[row]).asSlice(offset[row], length[row]).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }





    @Override
    public Optional<Path> catalogueFile() {
        return catalogueIn(root);
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
