package dev.genbench.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader of TensorBoard event files written for tests from the published record format, sharing no
 * code with the writer: its own bitwise CRC32C (Castagnoli, reflected polynomial 0x82F63B78), its own
 * masking, its own protobuf decoding. Every record's two CRCs are checked.
 */
final class EventFileReader {
    private EventFileReader() {}

    record Event(double wallTime, long step, String fileVersion, Map<String, Float> scalars) {}

    static final class CorruptRecord extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptRecord(String message) {
            super(message);
        }
    }

    static List<Event> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        var events = new ArrayList<Event>();
        while (b.hasRemaining()) {
            int start = b.position();
            if (b.remaining() < 12) {
                throw new CorruptRecord("truncated length at byte " + start);
            }
            byte[] lengthBytes = new byte[8];
            b.get(lengthBytes);
            long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            int lengthCrc = b.getInt();
            if (lengthCrc != masked(crc32c(lengthBytes))) {
                throw new CorruptRecord("length CRC mismatch at byte " + start);
            }
            if (length > b.remaining() - 4) {
                throw new CorruptRecord("record at byte " + start + " runs past the end");
            }
            byte[] data = new byte[(int) length];
            b.get(data);
            if (b.getInt() != masked(crc32c(data))) {
                throw new CorruptRecord("data CRC mismatch in record at byte " + start);
            }
            events.add(decodeEvent(data));
        }
        return events;
    }

    static int crc32c(byte[] data) {
        int crc = 0xFFFFFFFF;
        for (byte value : data) {
            crc ^= value & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
            }
        }
        return ~crc;
    }

    static int masked(int crc) {
        return Integer.rotateRight(crc, 15) + 0xa282ead8;
    }

    private static Event decodeEvent(byte[] data) throws CorruptRecord {
        var in = new Fields(data);
        double wallTime = 0;
        long step = 0;
        String version = null;
        var scalars = new LinkedHashMap<String, Float>();
        while (in.more()) {
            long key = in.varint();
            int field = (int) (key >>> 3), wire = (int) (key & 7);
            switch (field) {
                case 1 -> wallTime = Double.longBitsToDouble(in.fixed64(wire));
                case 2 -> step = in.varintOf(wire);
                case 3 -> version = new String(in.bytes(wire), StandardCharsets.UTF_8);
                case 5 -> {
                    var summary = new Fields(in.bytes(wire));
                    while (summary.more()) {
                        long sk = summary.varint();
                        if ((sk >>> 3) != 1) {
                            summary.skip((int) (sk & 7));
                            continue;
                        }
                        var value = new Fields(summary.bytes((int) (sk & 7)));
                        String tag = null;
                        Float simple = null;
                        while (value.more()) {
                            long vk = value.varint();
                            int vf = (int) (vk >>> 3), vw = (int) (vk & 7);
                            if (vf == 1) tag = new String(value.bytes(vw), StandardCharsets.UTF_8);
                            else if (vf == 2) simple = Float.intBitsToFloat(value.fixed32(vw));
                            else value.skip(vw);
                        }
                        scalars.put(tag, simple);
                    }
                }
                default -> in.skip(wire);
            }
        }
        return new Event(wallTime, step, version, scalars);
    }

    private static final class Fields {
        private final byte[] d;
        private int p;

        Fields(byte[] d) {
            this.d = d;
        }

        boolean more() {
            return p < d.length;
        }

        long varint() throws CorruptRecord {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (p >= d.length) throw new CorruptRecord("truncated varint");
                int b = d[p++] & 0xFF;
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) return v;
            }
            throw new CorruptRecord("varint too long");
        }

        long varintOf(int wire) throws CorruptRecord {
            if (wire != 0) throw new CorruptRecord("expected a varint, wire type " + wire);
            return varint();
        }

        long fixed64(int wire) throws CorruptRecord {
            if (wire != 1 || p + 8 > d.length) throw new CorruptRecord("bad fixed64");
            long v = 0;
            for (int i = 0; i < 8; i++) v |= (long) (d[p++] & 0xFF) << (8 * i);
            return v;
        }

        int fixed32(int wire) throws CorruptRecord {
            if (wire != 5 || p + 4 > d.length) throw new CorruptRecord("bad fixed32");
            int v = 0;
            for (int i = 0; i < 4; i++) v |= (d[p++] & 0xFF) << (8 * i);
            return v;
        }

        byte[] bytes(int wire) throws CorruptRecord {
            if (wire != 2) throw new CorruptRecord("expected length-delimited, wire type " + wire);
            int n = (int) varint();
            if (p + n > d.length) throw new CorruptRecord("truncated bytes");
            byte[] out = java.util.Arrays.copyOfRange(d, p, p + n);
            p += n;
            return out;
        }

        void skip(int wire) throws CorruptRecord {
            switch (wire) {
                case 0 -> varint();
                case 1 -> p += 8;
                case 2 -> bytes(2);
                case 5 -> p += 4;
                default -> throw new CorruptRecord("unknown wire type " + wire);
            }
        }
    }
}
