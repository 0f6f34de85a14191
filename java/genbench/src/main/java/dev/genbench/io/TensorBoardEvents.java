package dev.genbench.io;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the scalars back from TensorBoard event files (ours or TensorBoard's own), checking both CRCs
 * of every record. A truncated last record, which a crash mid-write leaves, ends the file quietly, as
 * TensorBoard treats it; a CRC mismatch anywhere is an error.
 */
public final class TensorBoardEvents {
    private TensorBoardEvents() {}

    /** One logged scalar. */
    public record Scalar(String tag, long step, double wallTime, float value) {}

    /** Every {@code simple_value} scalar of the file, in file order. */
    public static List<Scalar> readScalars(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("Cannot read TensorBoard event file " + file + " (" + e.getMessage() + ").", e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        var out = new ArrayList<Scalar>();
        while (b.remaining() >= 12) {
            int start = b.position();
            long length = b.getLong();
            if (b.getInt() != TfRecord.maskedCrc32c(bytes, start, 8)) {
                throw corrupt(file, start);
            }
            if (length > b.remaining() - 4) {
                break; // truncated by a crash: what came before stands
            }
            int dataStart = b.position();
            b.position(dataStart + (int) length);
            if (b.getInt() != TfRecord.maskedCrc32c(bytes, dataStart, (int) length)) {
                throw corrupt(file, start);
            }
            try {
                decodeEvent(bytes, dataStart, dataStart + (int) length, out);
            } catch (RuntimeException e) {
                throw new UserError("TensorBoard event file " + file + " holds an undecodable event at byte " + start
                        + " (" + e.getMessage() + ").", e);
            }
        }
        return out;
    }

    private static UserError corrupt(Path file, int offset) {
        return new UserError("TensorBoard event file " + file + " is damaged (CRC mismatch in the record at byte "
                + offset + "); remove or truncate it.");
    }

    private static void decodeEvent(byte[] d, int from, int to, List<Scalar> out) {
        var p = new int[] {from};
        double wallTime = 0;
        long step = 0;
        var values = new ArrayList<Object[]>();
        while (p[0] < to) {
            long key = varint(d, p);
            int field = (int) (key >>> 3), wire = (int) (key & 7);
            if (field == 1 && wire == 1) {
                wallTime = Double.longBitsToDouble(fixed64(d, p));
            } else if (field == 2 && wire == 0) {
                step = varint(d, p);
            } else if (field == 5 && wire == 2) {
                int end = (int) varint(d, p) + p[0];
                while (p[0] < end) {
                    long sk = varint(d, p);
                    if ((sk >>> 3) == 1 && (sk & 7) == 2) {
                        int valueEnd = (int) varint(d, p) + p[0];
                        String tag = null;
                        Float simple = null;
                        while (p[0] < valueEnd) {
                            long vk = varint(d, p);
                            if ((vk >>> 3) == 1 && (vk & 7) == 2) {
                                int n = (int) varint(d, p);
                                tag = new String(d, p[0], n, StandardCharsets.UTF_8);
                                p[0] += n;
                            } else if ((vk >>> 3) == 2 && (vk & 7) == 5) {
                                simple = Float.intBitsToFloat((int) fixed(d, p, 4));
                            } else {
                                skip(d, p, (int) (vk & 7));
                            }
                        }
                        if (tag != null && simple != null) {
                            values.add(new Object[] {tag, simple});
                        }
                    } else {
                        skip(d, p, (int) (sk & 7));
                    }
                }
            } else {
                skip(d, p, wire);
            }
        }
        for (Object[] v : values) {
            out.add(new Scalar((String) v[0], step, wallTime, (Float) v[1]));
        }
    }

    private static long varint(byte[] d, int[] p) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = d[p[0]++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw new IllegalArgumentException("malformed varint");
    }

    private static long fixed64(byte[] d, int[] p) {
        return fixed(d, p, 8);
    }

    private static long fixed(byte[] d, int[] p, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) (d[p[0]++] & 0xFF) << (8 * i);
        }
        return v;
    }

    private static void skip(byte[] d, int[] p, int wire) {
        switch (wire) {
            case 0 -> varint(d, p);
            case 1 -> p[0] += 8;
            case 2 -> {
                int n = (int) varint(d, p);
                p[0] += n;
            }
            case 5 -> p[0] += 4;
            default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wire);
        }
    }
}
