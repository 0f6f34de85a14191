package dev.genbench.minibench;

import dev.genbench.console.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads Qt binary resource files ({@code .rcc}), the containers in which GCompris ships its photos.
 *
 * <p>Layout (big-endian): the magic {@code qres}, then format version, tree offset, data offset and names
 * offset (format 3 adds a flags word). The tree is an array of fixed-size entries (14 bytes in format 1,
 * 22 from format 2, which appends a modification time); entry 0 is the root directory. A directory entry
 * holds its child count and first child index; a file entry holds the offset of its data, which starts
 * with a 4-byte length. Compressed files (flag 1) hold a 4-byte uncompressed length and a zlib stream.
 * Names are a 2-byte length, a 4-byte hash and UTF-16 characters.
 */
public final class RccReader {
    private static final int FLAG_COMPRESSED = 1;
    private static final int FLAG_DIRECTORY = 2;
    private static final int FLAG_COMPRESSED_ZSTD = 4;

    /** One file inside an {@code .rcc}: its path with '/' separators (no leading slash) and its bytes. */
    public record Entry(String path, byte[] bytes) {}

    private final Path file;
    private final ByteBuffer buf;
    private final int treeOffset;
    private final int dataOffset;
    private final int namesOffset;
    private final int entrySize;

    private RccReader(Path file, byte[] bytes) {
        this.file = file;
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        if (bytes.length < 20 || bytes[0] != 'q' || bytes[1] != 'r' || bytes[2] != 'e' || bytes[3] != 's') {
            throw new UserError(file + " is not a Qt resource file (no 'qres' magic); delete it and rerun to fetch it again.");
        }
        int version = buf.getInt(4);
        if (version < 1 || version > 3) {
            throw new UserError(file + " is a Qt resource file of format " + version + ", which this reader does not know (1 to 3).");
        }
        this.treeOffset = buf.getInt(8);
        this.dataOffset = buf.getInt(12);
        this.namesOffset = buf.getInt(16);
        this.entrySize = version == 1 ? 14 : 22;
    }

    /** Every file in {@code rcc}, in tree order. */
    public static List<Entry> readAll(Path rcc) throws IOException {
        return read(rcc, Files.readAllBytes(rcc));
    }

    static List<Entry> read(Path name, byte[] bytes) {
        RccReader reader = new RccReader(name, bytes);
        List<Entry> out = new ArrayList<>();
        try {
            reader.walk(0, "", out);
        } catch (IndexOutOfBoundsException e) {
            throw new UserError(name + " is truncated or corrupt (an offset points outside the file); delete it and rerun.", e);
        }
        return out;
    }

    private void walk(int index, String prefix, List<Entry> out) {
        int at = treeOffset + index * entrySize;
        int nameOffset = buf.getInt(at);
        int flags = Short.toUnsignedInt(buf.getShort(at + 4));
        // The root (index 0) has no meaningful name.
        String name = index == 0 ? "" : name(nameOffset);
        String path = prefix.isEmpty() ? name : prefix + "/" + name;
        if ((flags & FLAG_DIRECTORY) != 0) {
            int count = buf.getInt(at + 6);
            int first = buf.getInt(at + 10);
            for (int c = 0; c < count; c++) {
                walk(first + c, path, out);
            }
            return;
        }
        int dataAt = dataOffset + buf.getInt(at + 10);
        int size = buf.getInt(dataAt);
        byte[] raw = new byte[size];
        buf.get(dataAt + 4, raw);
        if ((flags & FLAG_COMPRESSED_ZSTD) != 0) {
            throw new UserError(file + ": resource " + path + " is zstd-compressed, which this reader does not support.");
        }
        out.add(new Entry(path, (flags & FLAG_COMPRESSED) != 0 ? inflate(path, raw) : raw));
    }

    private String name(int offset) {
        int at = namesOffset + offset;
        int length = Short.toUnsignedInt(buf.getShort(at));
        byte[] chars = new byte[2 * length];
        buf.get(at + 6, chars);
        return new String(chars, StandardCharsets.UTF_16BE);
    }

    // Qt's qCompress format: 4-byte big-endian expected length, then a zlib stream.
    private byte[] inflate(String path, byte[] raw) {
        int expected = ByteBuffer.wrap(raw, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(raw, 4, raw.length - 4);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(expected, 64));
            byte[] chunk = new byte[64 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new UserError(file + ": resource " + path + " ends before its compressed data does; delete the file and rerun.");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new UserError(file + ": resource " + path + " holds bad zlib data (" + e.getMessage() + "); delete the file and rerun.", e);
        } finally {
            inflater.end();
        }
    }
}
