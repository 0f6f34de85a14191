package dev.genbench.data;

import dev.genbench.console.UserError;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The message structure of one Arrow IPC stream file, found by walking its messages in a memory-mapped
 * segment: the schema, and for every record batch the absolute file offsets of its buffers. Nothing is
 * copied: callers read the few buffers they need straight from the mapping, so the metadata of a shard is
 * read without touching its image bytes (Arrow Java's stream reader would copy every buffer of every batch,
 * hundreds of GB for the full dataset).
 *
 * <p>Accepts the stream format with or without the 0xFFFFFFFF continuation marker, and the file format
 * ({@code ARROW1} magic), whose body is a stream. Dictionary-encoded, compressed and big-endian data are
 * refused with a clear error; Hugging Face never writes them.
 */
final class ArrowIpcStream {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A record batch: its row count, and per node (pre-order field) and buffer their place in the file. */
    record Batch(long rows, long[] nodeLength, long[] nodeNulls, long[] bufferOffset, long[] bufferLength) {}

    /** Where a field's nodes and buffers sit in every batch (fields flattened in pre-order). */
    record Slot(Field field, int node, int buffer, List<Slot> children) {}

    private final Path file;
    private final MemorySegment segment;
    private final Schema schema;
    private final List<Slot> slots;
    private final int nodeCount;
    private final int bufferCount;
    private final List<Batch> batches;

    private ArrowIpcStream(Path file, MemorySegment segment, Schema schema, List<Slot> slots, int nodeCount, int bufferCount, List<Batch> batches) {
        this.file = file;
        this.segment = segment;
        this.schema = schema;
        this.slots = slots;
        this.nodeCount = nodeCount;
        this.bufferCount = bufferCount;
        this.batches = batches;
    }

    /**
     * Walks the messages of {@code segment}, the mapped content of {@code file}.
     *
     * @throws UserError naming the file when it is not an Arrow stream, is truncated or uses unsupported features
     */
    static ArrowIpcStream parse(Path file, MemorySegment segment) {
        long size = segment.byteSize();
        long pos = 0;
        if (size >= 8 && startsWithMagic(segment)) {
            pos = 8; // Arrow file format: magic, padding, then the stream, then a footer we do not need.
        }
        Schema schema = null;
        List<Slot> slots = null;
        int[] counts = null;
        List<Batch> batches = new ArrayList<>();
        while (true) {
            if (pos + 4 > size) {
                if (schema == null) {
                    throw notArrow(file, "it ends before its first message");
                }
                break; // a stream may end without an end-of-stream marker
            }
            int first = segment.get(INT, pos);
            long metaLength;
            long metaStart;
            if (first == -1) {
                if (pos + 8 > size) {
                    throw truncated(file);
                }
                metaLength = segment.get(INT, pos + 4) & 0xffffffffL;
                metaStart = pos + 8;
            } else {
                metaLength = first & 0xffffffffL;
                metaStart = pos + 4;
            }
            if (metaLength == 0) {
                break; // end-of-stream marker
            }
            if (schema == null && (metaLength > size || metaLength < 8)) {
                throw notArrow(file, "its first bytes are not an Arrow message header");
            }
            if (metaStart + metaLength > size) {
                throw truncated(file);
            }
            Message message;
            byte headerType;
            long bodyLength;
            try {
                ByteBuffer meta = segment.asSlice(metaStart, metaLength).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                message = Message.getRootAsMessage(meta);
                headerType = message.headerType();
                bodyLength = message.bodyLength();
            } catch (RuntimeException e) {
                throw notArrow(file, "a message header cannot be parsed");
            }
            long bodyStart = metaStart + metaLength;
            if (bodyLength < 0 || bodyStart + bodyLength > size) {
                throw truncated(file);
            }
            if (schema == null) {
                if (headerType != MessageHeader.Schema) {
                    throw notArrow(file, "it does not start with a schema message");
                }
                org.apache.arrow.flatbuf.Schema fb = (org.apache.arrow.flatbuf.Schema) message.header(new org.apache.arrow.flatbuf.Schema());
                if (fb == null) {
                    throw notArrow(file, "its schema message is empty");
                }
                if (fb.endianness() != org.apache.arrow.flatbuf.Endianness.Little) {
                    throw new UserError(file + " is a big-endian Arrow stream; re-save the dataset on a little-endian machine.");
                }
                try {
                    schema = Schema.convertSchema(fb);
                } catch (RuntimeException e) {
                    throw notArrow(file, "its schema cannot be read (" + e.getMessage() + ")");
                }
                counts = new int[2];
                slots = layout(file, schema.getFields(), counts);
            } else if (headerType == MessageHeader.RecordBatch) {
                RecordBatch rb = (RecordBatch) message.header(new RecordBatch());
                if (rb.compression() != null) {
                    throw new UserError(file + " has compressed record batches, which genbench does not read; re-save the dataset without compression (Hugging Face save_to_disk writes none).");
                }
                if (rb.nodesLength() != counts[0] || rb.buffersLength() != counts[1]) {
                    throw notArrow(file, "a record batch has " + rb.nodesLength() + " field nodes and " + rb.buffersLength()
                            + " buffers where its schema needs " + counts[0] + " and " + counts[1]);
                }
                long[] nodeLength = new long[counts[0]];
                long[] nodeNulls = new long[counts[0]];
                for (int i = 0; i < counts[0]; i++) {
                    nodeLength[i] = rb.nodes(i).length();
                    nodeNulls[i] = rb.nodes(i).nullCount();
                }
                long[] offsets = new long[counts[1]];
                long[] lengths = new long[counts[1]];
                for (int i = 0; i < counts[1]; i++) {
                    offsets[i] = bodyStart + rb.buffers(i).offset();
                    lengths[i] = rb.buffers(i).length();
                    if (rb.buffers(i).offset() < 0 || lengths[i] < 0 || rb.buffers(i).offset() + lengths[i] > bodyLength) {
                        throw notArrow(file, "a buffer lies outside its record batch");
                    }
                }
                batches.add(new Batch(rb.length(), nodeLength, nodeNulls, offsets, lengths));
            } else if (headerType == MessageHeader.DictionaryBatch) {
                throw new UserError(file + " uses dictionary-encoded columns, which genbench does not read; re-save the dataset without dictionary encoding.");
            } else {
                throw notArrow(file, "it holds a message of type " + headerType + " where record batches belong");
            }
            pos = bodyStart + bodyLength;
        }
        return new ArrowIpcStream(file, segment, schema, slots, counts[0], counts[1], List.copyOf(batches));
    }

    private static boolean startsWithMagic(MemorySegment s) {
        byte[] magic = {'A', 'R', 'R', 'O', 'W', '1'};
        for (int i = 0; i < magic.length; i++) {
            if (s.get(ValueLayout.JAVA_BYTE, i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static List<Slot> layout(Path file, List<Field> fields, int[] counts) {
        List<Slot> out = new ArrayList<>();
        for (Field f : fields) {
            ArrowType t = f.getType();
            if (t instanceof ArrowType.Utf8View || t instanceof ArrowType.BinaryView || t instanceof ArrowType.ListView || t instanceof ArrowType.LargeListView) {
                throw new UserError(file + " has the column \"" + f.getName() + "\" of view type " + t + ", which genbench does not read; re-save it with plain string/binary/list types.");
            }
            int node = counts[0]++;
            int buffer = counts[1];
            counts[1] += TypeLayout.getTypeBufferCount(t);
            List<Slot> children = layout(file, f.getChildren(), counts);
            out.add(new Slot(f, node, buffer, children));
        }
        return out;
    }

    private static UserError notArrow(Path file, String why) {
        return new UserError(file + " is not an Arrow IPC stream (" + why + "); replace it with the shard from the original dataset.");
    }

    private static UserError truncated(Path file) {
        return new UserError(file + " is truncated (an Arrow message runs past the end of the file); copy the shard again.");
    }

    Path file() {
        return file;
    }

    Schema schema() {
        return schema;
    }

    List<Batch> batches() {
        return batches;
    }

    MemorySegment segment() {
        return segment;
    }

    long rows() {
        long n = 0;
        for (Batch b : batches) {
            n += b.rows();
        }
        return n;
    }

    /** The top-level column {@code name}, or null. */
    Slot column(String name) {
        for (Slot s : slots) {
            if (s.field().getName().equals(name)) {
                return s;
            }
        }
        return null;
    }

    List<String> columnNames() {
        return slots.stream().map(s -> s.field().getName()).toList();
    }

    // ---- reading values of one batch --------------------------------------------------

    /** Whether row {@code i} of a field is non-null in batch {@code b}. */
    boolean isValid(Batch b, Slot s, int i) {
        if (b.nodeNulls()[s.node()] == 0 || b.bufferLength()[s.buffer()] == 0) {
            return true;
        }
        byte bits = segment.get(ValueLayout.JAVA_BYTE, b.bufferOffset()[s.buffer()] + (i >>> 3));
        return (bits & (1 << (i & 7))) != 0;
    }

    /** An integer column's value (any width, signed or not, up to 64 bits). */
    long integer(Batch b, Slot s, int i) {
        ArrowType.Int t = (ArrowType.Int) s.field().getType();
        long base = b.bufferOffset()[s.buffer() + 1];
        return switch (t.getBitWidth()) {
            case 8 -> t.getIsSigned() ? segment.get(ValueLayout.JAVA_BYTE, base + i) : segment.get(ValueLayout.JAVA_BYTE, base + i) & 0xffL;
            case 16 -> {
                short v = segment.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), base + 2L * i);
                yield t.getIsSigned() ? v : v & 0xffffL;
            }
            case 32 -> {
                int v = segment.get(INT, base + 4L * i);
                yield t.getIsSigned() ? v : v & 0xffffffffL;
            }
            default -> segment.get(LONG, base + 8L * i);
        };
    }

    /** Start (absolute file offset) and length of row i of a string or binary column, 32- or 64-bit offsets. */
    long[] variableRange(Batch b, Slot s, int i) {
        boolean large = s.field().getType() instanceof ArrowType.LargeUtf8 || s.field().getType() instanceof ArrowType.LargeBinary;
        long offsets = b.bufferOffset()[s.buffer() + 1];
        long data = b.bufferOffset()[s.buffer() + 2];
        long start;
        long end;
        if (large) {
            start = segment.get(LONG, offsets + 8L * i);
            end = segment.get(LONG, offsets + 8L * (i + 1));
        } else {
            start = segment.get(INT, offsets + 4L * i) & 0xffffffffL;
            end = segment.get(INT, offsets + 4L * (i + 1)) & 0xffffffffL;
        }
        if (start < 0 || end < start || end > b.bufferLength()[s.buffer() + 2]) {
            throw new UserError(file + " has a corrupt " + s.field().getName() + " value (offsets " + start + ".." + end
                    + " outside its data buffer); replace the shard with the original.");
        }
        return new long[] {data + start, end - start};
    }

    byte[] bytes(long offset, int length) {
        return segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    static boolean isString(ArrowType t) {
        return t instanceof ArrowType.Utf8 || t instanceof ArrowType.LargeUtf8;
    }

    static boolean isBinary(ArrowType t) {
        return t instanceof ArrowType.Binary || t instanceof ArrowType.LargeBinary;
    }
}
