package dev.genbench.io;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * NumPy's {@code .npz} archives: a zip file with one {@code <key>.npy} entry per array, stored without
 * compression as {@code numpy.savez} writes them. Entries switch to ZIP64 records when a size or an
 * offset no longer fits in 32 bits, so files past 4 GiB open in NumPy too.
 *
 * <p>Writing streams each array through a CRC and straight to disk, then patches the CRC into the
 * entry's header, so no array is copied whole into a byte buffer. Files are written atomically
 * ({@link AtomicFiles}). Reading accepts stored and deflated entries ({@code numpy.savez_compressed})
 * and checks every CRC.
 */
public final class Npz {
    private static final long LIMIT32 = 0xFFFFFFFFL;
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int EOCD_SIG = 0x06054b50;
    private static final int EOCD64_SIG = 0x06064b50;
    private static final int EOCD64_LOCATOR_SIG = 0x07064b50;
    private static final short ZIP64_EXTRA = 0x0001;

    private Npz() {}

    /** Writes {@code arrays} in map order, each as {@code <key>.npy}, replacing {@code file} atomically. */
    public static void write(Path file, Map<String, ? extends NpyArray> arrays) {
        write(file, arrays, false);
    }

    /** As {@link #write(Path, Map)}; {@code alwaysZip64} writes ZIP64 records even for small files, for tests. */
    static void write(Path file, Map<String, ? extends NpyArray> arrays, boolean alwaysZip64) {
        for (String key : arrays.keySet()) {
            if (key.isEmpty() || key.contains("/") || key.contains("\\")) {
                throw new IllegalArgumentException("array key '" + key + "' cannot name a zip entry");
            }
        }
        AtomicFiles.write(file, ch -> writeZip(ch, arrays, alwaysZip64));
    }

    private record Entry(byte[] name, long offset, long size, int crc, boolean zip64Local) {}

    private static void writeZip(FileChannel ch, Map<String, ? extends NpyArray> arrays, boolean alwaysZip64)
            throws IOException {
        int[] dosTime = dosDateTime(LocalDateTime.now());
        var entries = new ArrayList<Entry>();
        long offset = 0;
        for (var e : arrays.entrySet()) {
            byte[] name = (e.getKey() + ".npy").getBytes(StandardCharsets.UTF_8);
            NpyArray array = e.getValue();
            byte[] header = Npy.header(array);
            long size = header.length + Npy.dataLength(array);
            boolean zip64 = alwaysZip64 || size >= LIMIT32;

            ByteBuffer local = le(30 + name.length + (zip64 ? 20 : 0));
            local.putInt(LOCAL_SIG).putShort((short) (zip64 ? 45 : 20)).putShort(flags(name)).putShort((short) 0)
                    .putShort((short) dosTime[1]).putShort((short) dosTime[0]).putInt(0) // CRC, patched below
                    .putInt((int) (zip64 ? LIMIT32 : size)).putInt((int) (zip64 ? LIMIT32 : size))
                    .putShort((short) name.length).putShort((short) (zip64 ? 20 : 0)).put(name);
            if (zip64) {
                local.putShort(ZIP64_EXTRA).putShort((short) 16).putLong(size).putLong(size);
            }
            ch.position(offset);
            AtomicFiles.writeFully(ch, local.flip());

            var crc = new CRC32();
            crc.update(header);
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
            Npy.writeData(array, chunk -> {
                crc.update(chunk.duplicate());
                AtomicFiles.writeFully(ch, chunk);
            });
            long end = ch.position();
            if (end - offset - local.capacity() != size) {
                throw new IllegalStateException("wrote " + (end - offset - local.capacity()) + " bytes for "
                        + e.getKey() + ", expected " + size);
            }
            int crcValue = (int) crc.getValue();
            ch.write(le(4).putInt(crcValue).flip(), offset + 14);
            entries.add(new Entry(name, offset, size, crcValue, zip64));
            offset = end;
        }

        long centralStart = offset;
        ch.position(centralStart);
        boolean anyZip64 = alwaysZip64;
        for (Entry en : entries) {
            boolean bigSize = en.size() >= LIMIT32 || alwaysZip64;
            boolean bigOffset = en.offset() >= LIMIT32 || alwaysZip64;
            int extra = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
            int extraTotal = extra == 0 ? 0 : 4 + extra;
            anyZip64 |= extra != 0;
            ByteBuffer c = le(46 + en.name().length + extraTotal);
            c.putInt(CENTRAL_SIG).putShort((short) (45 | (3 << 8))).putShort((short) (extra != 0 || en.zip64Local() ? 45 : 20))
                    .putShort(flags(en.name())).putShort((short) 0).putShort((short) dosTime[1]).putShort((short) dosTime[0])
                    .putInt(en.crc()).putInt((int) (bigSize ? LIMIT32 : en.size()))
                    .putInt((int) (bigSize ? LIMIT32 : en.size())).putShort((short) en.name().length)
                    .putShort((short) extraTotal).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putInt(0644 << 16).putInt((int) (bigOffset ? LIMIT32 : en.offset())).put(en.name());
            if (extra != 0) {
                c.putShort(ZIP64_EXTRA).putShort((short) extra);
                if (bigSize) c.putLong(en.size()).putLong(en.size());
                if (bigOffset) c.putLong(en.offset());
            }
            AtomicFiles.writeFully(ch, c.flip());
        }
        long centralEnd = ch.position();
        long centralSize = centralEnd - centralStart;
        int count = entries.size();
        boolean needs64 = anyZip64 || count >= 0xFFFF || centralStart >= LIMIT32 || centralSize >= LIMIT32;
        if (needs64) {
            ByteBuffer e64 = le(56 + 20);
            e64.putInt(EOCD64_SIG).putLong(44).putShort((short) (45 | (3 << 8))).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(count).putLong(count).putLong(centralSize).putLong(centralStart);
            e64.putInt(EOCD64_LOCATOR_SIG).putInt(0).putLong(centralEnd).putInt(1);
            AtomicFiles.writeFully(ch, e64.flip());
        }
        ByteBuffer eocd = le(22);
        eocd.putInt(EOCD_SIG).putShort((short) 0).putShort((short) 0)
                .putShort((short) Math.min(count, 0xFFFF)).putShort((short) Math.min(count, 0xFFFF))
                .putInt((int) Math.min(centralSize, LIMIT32)).putInt((int) (needs64 ? LIMIT32 : centralStart))
                .putShort((short) 0);
        AtomicFiles.writeFully(ch, eocd.flip());
        ch.truncate(ch.position());
    }

    /**
     * Reads every array of an {@code .npz} file, in the order of its zip directory, keyed by entry name
     * without {@code .npy}.
     *
     * @throws UserError naming the file (and the key) when it cannot be read
     */
    public static Map<String, NpyArray> read(Path file) {
        return read(file, key -> true);
    }

    /** As {@link #read(Path)}, reading only the arrays whose key {@code wanted} accepts. */
    public static Map<String, NpyArray> read(Path file, java.util.function.Predicate<String> wanted) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("Cannot read " + file + ": no such file; check the path.");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            var out = new LinkedHashMap<String, NpyArray>();
            for (CentralEntry e : centralDirectory(ch, file)) {
                String key = e.name().endsWith(".npy") ? e.name().substring(0, e.name().length() - 4) : e.name();
                if (!wanted.test(key)) {
                    continue;
                }
                ByteBuffer raw = entryBytes(ch, e, file);
                try {
                    out.put(key, Npy.read(raw));
                } catch (IllegalArgumentException ex) {
                    throw new UserError("Cannot read key '" + key + "' of " + file + ": " + ex.getMessage() + ".", ex);
                }
            }
            return Collections.unmodifiableMap(out);
        } catch (IOException e) {
            throw new UserError("Cannot read " + file + " (" + e.getMessage() + "); check that it is a readable file.", e);
        }
    }

    private record CentralEntry(String name, int method, long compressedSize, long size, long localOffset, int crc) {}

    private static List<CentralEntry> centralDirectory(FileChannel ch, Path file) throws IOException {
        long fileSize = ch.size();
        int tailLength = (int) Math.min(fileSize, 22 + 0xFFFF);
        ByteBuffer tail = readAt(ch, fileSize - tailLength, tailLength);
        int eocd = -1;
        for (int p = tailLength - 22; p >= 0; p--) {
            if (tail.getInt(p) == EOCD_SIG) {
                eocd = p;
                break;
            }
        }
        if (eocd < 0) {
            throw notNpz(file, "no zip directory found");
        }
        long count = tail.getShort(eocd + 10) & 0xFFFF;
        long cdSize = tail.getInt(eocd + 12) & LIMIT32;
        long cdOffset = tail.getInt(eocd + 16) & LIMIT32;
        long eocdAbsolute = fileSize - tailLength + eocd;
        if (eocdAbsolute >= 20) {
            ByteBuffer locator = readAt(ch, eocdAbsolute - 20, 20);
            if (locator.getInt(0) == EOCD64_LOCATOR_SIG) {
                ByteBuffer e64 = readAt(ch, locator.getLong(8), 56);
                if (e64.getInt(0) != EOCD64_SIG) {
                    throw notNpz(file, "broken ZIP64 end record");
                }
                count = e64.getLong(32);
                cdSize = e64.getLong(40);
                cdOffset = e64.getLong(48);
            }
        }
        if (cdSize > Integer.MAX_VALUE || cdOffset + cdSize > fileSize) {
            throw notNpz(file, "zip directory out of bounds");
        }
        ByteBuffer cd = readAt(ch, cdOffset, (int) cdSize);
        var entries = new ArrayList<CentralEntry>();
        int p = 0;
        for (long i = 0; i < count; i++) {
            if (p + 46 > cd.limit() || cd.getInt(p) != CENTRAL_SIG) {
                throw notNpz(file, "broken zip directory entry " + i);
            }
            int method = cd.getShort(p + 10) & 0xFFFF;
            int crc = cd.getInt(p + 16);
            long csize = cd.getInt(p + 20) & LIMIT32;
            long usize = cd.getInt(p + 24) & LIMIT32;
            int nameLength = cd.getShort(p + 28) & 0xFFFF;
            int extraLength = cd.getShort(p + 30) & 0xFFFF;
            int commentLength = cd.getShort(p + 32) & 0xFFFF;
            long localOffset = cd.getInt(p + 42) & LIMIT32;
            byte[] name = new byte[nameLength];
            cd.get(p + 46, name);
            int x = p + 46 + nameLength;
            int xEnd = x + extraLength;
            while (x + 4 <= xEnd) {
                int id = cd.getShort(x) & 0xFFFF;
                int len = cd.getShort(x + 2) & 0xFFFF;
                if (id == ZIP64_EXTRA) {
                    // Present, in this order, exactly for the fields whose 32-bit value is saturated.
                    int q = x + 4;
                    if (usize == LIMIT32) { usize = cd.getLong(q); q += 8; }
                    if (csize == LIMIT32) { csize = cd.getLong(q); q += 8; }
                    if (localOffset == LIMIT32) { localOffset = cd.getLong(q); }
                }
                x += 4 + len;
            }
            entries.add(new CentralEntry(new String(name, StandardCharsets.UTF_8), method, csize, usize, localOffset, crc));
            p = xEnd + commentLength;
        }
        return entries;
    }

    private static ByteBuffer entryBytes(FileChannel ch, CentralEntry e, Path file) throws IOException {
        ByteBuffer local = readAt(ch, e.localOffset(), 30);
        if (local.getInt(0) != LOCAL_SIG) {
            throw notNpz(file, "entry " + e.name() + " has no local header");
        }
        long dataStart = e.localOffset() + 30 + (local.getShort(26) & 0xFFFF) + (local.getShort(28) & 0xFFFF);
        if (e.compressedSize() > Integer.MAX_VALUE - 8 || e.size() > Integer.MAX_VALUE - 8) {
            throw new UserError("Cannot read key '" + e.name() + "' of " + file + ": entries over 2 GiB are not "
                    + "supported; split the array.");
        }
        ByteBuffer data = readAt(ch, dataStart, (int) e.compressedSize());
        if (e.method() == 8) {
            data = inflate(data, (int) e.size(), file, e.name());
        } else if (e.method() != 0) {
            throw notNpz(file, "entry " + e.name() + " uses zip compression method " + e.method()
                    + "; only stored and deflated entries are read");
        }
        var crc = new CRC32();
        crc.update(data.duplicate());
        if ((int) crc.getValue() != e.crc()) {
            throw notNpz(file, "entry " + e.name() + " fails its CRC check (the file is damaged)");
        }
        return data;
    }

    private static ByteBuffer inflate(ByteBuffer compressed, int size, Path file, String name) {
        var inflater = new Inflater(true);
        try {
            inflater.setInput(compressed);
            ByteBuffer out = ByteBuffer.allocate(size);
            while (out.hasRemaining() && !inflater.finished()) {
                if (inflater.inflate(out) == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
            }
            if (out.hasRemaining()) {
                throw notNpz(file, "entry " + name + " inflates to fewer bytes than its directory says");
            }
            return out.flip();
        } catch (DataFormatException ex) {
            throw notNpz(file, "entry " + name + " is not valid deflate data");
        } finally {
            inflater.end();
        }
    }

    private static UserError notNpz(Path file, String why) {
        return new UserError("Cannot read " + file + " as an .npz archive: " + why + ".");
    }

    private static ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("unexpected end of file at byte " + (position + b.position()));
            }
        }
        return b.flip();
    }

    private static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Bit 11 declares UTF-8 names; set only when a name needs it, as Python's zipfile does. */
    private static short flags(byte[] name) {
        for (byte b : name) {
            if (b < 0) return (short) 0x0800;
        }
        return 0;
    }

    /** {DOS date, DOS time} of a local time; zip cannot say dates before 1980. */
    private static int[] dosDateTime(LocalDateTime t) {
        if (t.getYear() < 1980) {
            t = LocalDateTime.of(1980, 1, 1, 0, 0);
        }
        int date = ((t.getYear() - 1980) << 9) | (t.getMonthValue() << 5) | t.getDayOfMonth();
        int time = (t.getHour() << 11) | (t.getMinute() << 5) | (t.getSecond() / 2);
        return new int[] {date, time};
    }
}
