package dev.genbench.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.genbench.console.UserError;
import dev.genbench.io.AtomicFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Backbone features of every (sample, augmentation replica), computed once and kept on disk, so that
 * later epochs, windows and experiments never run the backbone again for the same input.
 *
 * <p>A cache lives in {@code <root>/<fingerprint>/}, where the fingerprint hashes everything that
 * determines the features (the {@link Spec#key}: dataset, model card, preprocessing and augmentation
 * settings). It holds {@code index.json}, the row data in memory-mapped shard files
 * ({@code shard-NNNNN.f16} or {@code .f32}, at most {@link #MAX_SHARD_BYTES} each) and
 * {@code filled.bin}, one byte per row set once the row is written. A killed run leaves written rows
 * marked and the rest unmarked, so a rerun computes only what is missing; processes given different
 * {@link Shard}s fill one cache side by side, because they write disjoint rows of the same files.
 *
 * <p>Thread-safe for writers and readers of different rows. Close it to unmap the files.
 */
public final class FeatureCache implements AutoCloseable {

    public static final int FORMAT_VERSION = 1;
    static final long MAX_SHARD_BYTES = 1L << 30;
    private static final VarHandle FLAG = ValueLayout.JAVA_BYTE.varHandle();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public enum Precision {
        FP16(2, "f16"), FP32(4, "f32");

        final int bytes;
        final String extension;

        Precision(int bytes, String extension) {
            this.bytes = bytes;
            this.extension = extension;
        }
    }

    /**
     * What is cached.
     *
     * @param rows samples × replicas; row {@code sample * replicas + replica}, as the original maps
     *     dataset indices (SPEC §5)
     * @param width features per row
     * @param key everything the features depend on, as plain JSON values; hashed into the fingerprint
     */
    public record Spec(long rows, int width, Precision precision, Map<String, Object> key) {
        public Spec {
            if (rows < 1 || width < 1) {
                throw new IllegalArgumentException("a feature cache needs rows >= 1 and width >= 1");
            }
            key = new TreeMap<>(key);
        }

        /** SHA-256 of the key, rows, width and precision, as 16 hex digits. */
        public String fingerprint() {
            Map<String, Object> all = new TreeMap<>(key);
            all.put("_rows", rows);
            all.put("_width", width);
            all.put("_precision", precision.name());
            all.put("_format", FORMAT_VERSION);
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(all));
                return HexFormat.of().formatHex(digest, 0, 8);
            } catch (JsonProcessingException | NoSuchAlgorithmException e) {
                throw new IllegalStateException("cannot fingerprint the cache key " + key, e);
            }
        }
    }

    /** Shard {@code index} of {@code count}: the rows a process fills, in chunks of {@link #CHUNK_ROWS}. */
    public record Shard(int index, int count) {
        public static final int CHUNK_ROWS = 256;

        public Shard {
            if (count < 1 || index < 0 || index >= count) {
                throw new IllegalArgumentException("shard must be i/n with 0 <= i < n, got " + index + "/" + count);
            }
        }

        public static Shard all() {
            return new Shard(0, 1);
        }

        /** Parses {@code i/n} as given to {@code --shard}. */
        public static Shard parse(String text) {
            String[] parts = text.split("/");
            try {
                if (parts.length == 2) {
                    return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
                }
            } catch (IllegalArgumentException e) {
                // fall through to the message below
            }
            throw new UserError("--shard must be i/n with 0 <= i < n (for example 0/4), got '" + text + "'");
        }

        public boolean owns(long row) {
            return (row / CHUNK_ROWS) % count == index;
        }
    }

    private final Spec spec;
    /** One row of half floats per thread, for bulk copies to and from the mapped shards. */
    private final ThreadLocal<short[]> halvesPerThread;
    private final Path folder;
    private final Arena arena;
    private final List<MemorySegment> shards;
    private final long rowsPerShard;
    private final MemorySegment filled;

    private FeatureCache(Spec spec, Path folder, Arena arena, List<MemorySegment> shards, long rowsPerShard, MemorySegment filled) {
        this.spec = spec;
        this.halvesPerThread = ThreadLocal.withInitial(() -> new short[spec.width()]);
        this.folder = folder;
        this.arena = arena;
        this.shards = shards;
        this.rowsPerShard = rowsPerShard;
        this.filled = filled;
    }

    /** Opens the cache for {@code spec} under {@code root}, creating it if it does not exist yet. */
    public static FeatureCache open(Path root, Spec spec) {
        Path folder = root.resolve(spec.fingerprint());
        long rowBytes = (long) spec.width() * spec.precision().bytes;
        long rowsPerShard = Math.max(1, MAX_SHARD_BYTES / rowBytes);
        int shardCount = Math.toIntExact((spec.rows() + rowsPerShard - 1) / rowsPerShard);
        Arena arena = Arena.ofShared();
        try {
            Files.createDirectories(folder);
            checkOrWriteIndex(folder, spec, rowsPerShard, shardCount);
            List<MemorySegment> shards = new ArrayList<>(shardCount);
            for (int s = 0; s < shardCount; s++) {
                long rows = Math.min(rowsPerShard, spec.rows() - s * rowsPerShard);
                shards.add(map(folder.resolve(shardName(s, spec.precision())), rows * rowBytes, arena));
            }
            MemorySegment filled = map(folder.resolve("filled.bin"), spec.rows(), arena);
            return new FeatureCache(spec, folder, arena, List.copyOf(shards), rowsPerShard, filled);
        } catch (IOException e) {
            arena.close();
            throw new UserError("cannot open the feature cache in '" + folder + "' (" + e.getMessage()
                    + "); check free space and permissions, or delete the folder to rebuild it");
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static String shardName(int s, Precision p) {
        return String.format("shard-%05d.%s", s, p.extension);
    }

    /** Maps a file of exactly {@code bytes}, growing it (with zeros) when a concurrent creator has not yet. */
    private static MemorySegment map(Path file, long bytes, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ch.size() < bytes) {
                ch.truncate(bytes); // no-op when smaller; the write below extends the file sparsely
                ch.write(java.nio.ByteBuffer.wrap(new byte[1]), bytes - 1);
            } else if (ch.size() > bytes) {
                throw new IOException(file + " is larger than its index says (" + ch.size() + " > " + bytes + " bytes)");
            }
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
        }
    }

    private static void checkOrWriteIndex(Path folder, Spec spec, long rowsPerShard, int shardCount) throws IOException {
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("format", FORMAT_VERSION);
        index.put("fingerprint", spec.fingerprint());
        index.put("rows", spec.rows());
        index.put("width", spec.width());
        index.put("precision", spec.precision().name().toLowerCase(java.util.Locale.ROOT));
        index.put("rows_per_shard", rowsPerShard);
        List<String> files = new ArrayList<>();
        for (int s = 0; s < shardCount; s++) {
            files.add(shardName(s, spec.precision()));
        }
        index.put("shards", files);
        index.put("key", spec.key());
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(index);
        Path file = folder.resolve("index.json");
        if (Files.exists(file)) {
            String existing = Files.readString(file);
            if (!JSON.readTree(existing).equals(JSON.readTree(text))) {
                throw new UserError("feature cache index '" + file + "' does not describe this cache (another format or key);"
                        + " delete the folder '" + folder + "' to rebuild it");
            }
            return;
        }
        AtomicFiles.writeString(file, text);
    }

    public Spec spec() {
        return spec;
    }

    public Path folder() {
        return folder;
    }

    public boolean isFilled(long row) {
        return (byte) FLAG.getAcquire(filled, checkRow(row)) != 0;
    }

    public long filledCount() {
        long n = 0;
        for (long r = 0; r < spec.rows(); r++) {
            if (filled.get(ValueLayout.JAVA_BYTE, r) != 0) {
                n++;
            }
        }
        return n;
    }

    /** The rows of {@code shard} that are not filled yet, in order. */
    public long[] missingRows(Shard shard) {
        return java.util.stream.LongStream.range(0, spec.rows())
                .filter(r -> shard.owns(r) && filled.get(ValueLayout.JAVA_BYTE, r) == 0)
                .toArray();
    }

    /** Writes one row from {@code src[offset .. offset + width)} and marks it filled. */
    public void put(long row, float[] src, int offset) {
        MemorySegment target = rowSegment(row);
        int width = spec.width();
        try {
            if (spec.precision() == Precision.FP32) {
                MemorySegment.copy(src, offset, target, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, width);
            } else {
                short[] halves = halvesPerThread.get();
                for (int i = 0; i < width; i++) {
                    halves[i] = Float.floatToFloat16(src[offset + i]);
                }
                MemorySegment.copy(halves, 0, target, ValueLayout.JAVA_SHORT_UNALIGNED, 0, width);
            }
        } catch (InternalError e) {
            // The shards are sparse files: a page first written when the disk is full faults (SIGBUS), which the
            // JVM reports as an InternalError. The rows written before stay marked and intact.
            throw new UserError("cannot write feature cache shard '" + folder.resolve(shardName(Math.toIntExact(row / rowsPerShard),
                    spec.precision())) + "' (the disk is probably full: " + e.getMessage() + "); free space and run again,"
                    + " the rows already cached are kept");
        }
        FLAG.setRelease(filled, row, (byte) 1); // after the data: a reader that sees the flag sees the row
    }

    /** Reads one filled row into {@code dst[offset .. offset + width)}. */
    public void get(long row, float[] dst, int offset) {
        if (!isFilled(row)) {
            throw new IllegalStateException("feature cache row " + row + " of " + folder + " is not filled yet");
        }
        MemorySegment source = rowSegment(row);
        int width = spec.width();
        if (spec.precision() == Precision.FP32) {
            MemorySegment.copy(source, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, dst, offset, width);
        } else {
            // A bulk copy, then a plain loop that the JIT turns into vector conversions (F16C on x86).
            short[] halves = halvesPerThread.get();
            MemorySegment.copy(source, ValueLayout.JAVA_SHORT_UNALIGNED, 0, halves, 0, width);
            for (int i = 0; i < width; i++) {
                dst[offset + i] = Float.float16ToFloat(halves[i]);
            }
        }
    }

    /** Writes the mapped pages to disk, so that a machine crash (not only a killed process) keeps them. */
    public void flush() {
        shards.forEach(MemorySegment::force);
        filled.force();
    }

    private MemorySegment rowSegment(long row) {
        checkRow(row);
        long rowBytes = (long) spec.width() * spec.precision().bytes;
        MemorySegment shard = shards.get(Math.toIntExact(row / rowsPerShard));
        return shard.asSlice((row % rowsPerShard) * rowBytes, rowBytes);
    }

    private long checkRow(long row) {
        if (row < 0 || row >= spec.rows()) {
            throw new IndexOutOfBoundsException("row " + row + " outside the cache's " + spec.rows() + " rows");
        }
        return row;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            flush();
            arena.close();
        }
    }
}
