package dev.genbench.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Encodes the few TensorBoard {@code Event} messages genbench writes, by hand in protobuf's wire
 * format instead of pulling in a protobuf runtime for three message types:
 *
 * <pre>
 * Event         { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 * Summary       { repeated Value value = 1; }
 * Summary.Value { string tag = 1; float simple_value = 2; }
 * </pre>
 */
final class EventProto {
    /** The version string TensorBoard expects in the first event of a file. */
    static final String FILE_VERSION = "brain.Event:2";

    private static final int VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, FIXED32 = 5;

    private EventProto() {}

    static byte[] fileVersion(double wallTime) {
        var out = new Out();
        out.fixed64Field(1, Double.doubleToLongBits(wallTime));
        out.bytesField(3, FILE_VERSION.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** One event holding a scalar per entry, in map order. */
    static byte[] scalars(double wallTime, long step, Map<String, Float> values) {
        var summary = new Out();
        for (var e : values.entrySet()) {
            var value = new Out();
            value.bytesField(1, e.getKey().getBytes(StandardCharsets.UTF_8));
            value.fixed32Field(2, Float.floatToIntBits(e.getValue()));
            summary.bytesField(1, value.toByteArray());
        }
        var event = new Out();
        event.fixed64Field(1, Double.doubleToLongBits(wallTime));
        event.varintField(2, step);
        event.bytesField(5, summary.toByteArray());
        return event.toByteArray();
    }

    private static final class Out extends ByteArrayOutputStream {
        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        void key(int field, int wireType) {
            varint(((long) field << 3) | wireType);
        }

        void varintField(int field, long v) {
            key(field, VARINT);
            varint(v);
        }

        void fixed64Field(int field, long bits) {
            key(field, FIXED64);
            for (int i = 0; i < 8; i++) {
                write((int) (bits >>> (8 * i)));
            }
        }

        void fixed32Field(int field, int bits) {
            key(field, FIXED32);
            for (int i = 0; i < 4; i++) {
                write(bits >>> (8 * i));
            }
        }

        void bytesField(int field, byte[] bytes) {
            key(field, LENGTH_DELIMITED);
            varint(bytes.length);
            writeBytes(bytes);
        }
    }
}
