package dev.genbench.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NumPy's {@code .npy} format: a magic string, a version, a Python-literal header giving dtype, order
 * and shape, padded so the data starts on a 64-byte boundary, then the raw little-endian data in C
 * order. Written as version 1.0, or 2.0 when the header outgrows 1.0's 16-bit length; read in
 * versions 1.0, 2.0 and 3.0.
 */
public final class Npy {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int CHUNK = 1 << 16;

    private Npy() {}

    /** Receives encoded bytes chunk by chunk; each buffer is only valid during the call. */
    @FunctionalInterface
    public interface ByteSink {
        void accept(ByteBuffer chunk) throws IOException;
    }

    /** The header bytes, magic included, padded so that the data that follows is 64-byte aligned. */
    public static byte[] header(NpyArray array) {
        var dict = new StringBuilder("{'descr': '").append(array.descr()).append("', 'fortran_order': False, 'shape': (");
        int[] shape = array.shape();
        for (int i = 0; i < shape.length; i++) {
            dict.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        dict.append("), }");
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int major = 1;
        int prefix = MAGIC.length + 2 + 2;
        int total = roundUp(prefix + text.length + 1);
        if (total - prefix > 0xFFFF) {
            major = 2;
            prefix = MAGIC.length + 2 + 4;
            total = roundUp(prefix + text.length + 1);
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        int headerLength = total - prefix;
        if (major == 1) b.putShort((short) headerLength); else b.putInt(headerLength);
        b.put(text);
        while (b.position() < total - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    /** Bytes of the data that follows the header. */
    public static long dataLength(NpyArray array) {
        return array.size() * array.itemSize();
    }

    /** Encodes the data, little-endian in C order, in chunks of at most 64 KiB. */
    public static void writeData(NpyArray array, ByteSink sink) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        switch (array) {
            case NpyArray.Float32 a -> {
                for (float v : a.data()) {
                    if (b.remaining() < 4) flush(b, sink);
                    b.putFloat(v);
                }
            }
            case NpyArray.Float64 a -> {
                for (double v : a.data()) {
                    if (b.remaining() < 8) flush(b, sink);
                    b.putDouble(v);
                }
            }
            case NpyArray.Int32 a -> {
                for (int v : a.data()) {
                    if (b.remaining() < 4) flush(b, sink);
                    b.putInt(v);
                }
            }
            case NpyArray.Int64 a -> {
                for (long v : a.data()) {
                    if (b.remaining() < 8) flush(b, sink);
                    b.putLong(v);
                }
            }
            case NpyArray.Bool a -> {
                for (boolean v : a.data()) {
                    if (!b.hasRemaining()) flush(b, sink);
                    b.put((byte) (v ? 1 : 0));
                }
            }
            case NpyArray.Unicode a -> {
                int width = a.width();
                if (b.capacity() < 4 * width) {
                    b = ByteBuffer.allocate(4 * width).order(ByteOrder.LITTLE_ENDIAN);
                }
                for (String s : a.data()) {
                    if (b.remaining() < 4 * width) flush(b, sink);
                    int written = 0;
                    for (int i = 0; i < s.length(); ) {
                        int cp = s.codePointAt(i);
                        b.putInt(cp);
                        written++;
                        i += Character.charCount(cp);
                    }
                    for (; written < width; written++) {
                        b.putInt(0);
                    }
                }
            }
        }
        flush(b, sink);
    }

    private static void flush(ByteBuffer b, ByteSink sink) throws IOException {
        b.flip();
        if (b.hasRemaining()) {
            sink.accept(b);
        }
        b.clear();
    }

    private static int roundUp(int n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** A parsed header: where the data starts, and what it holds. */
    record Header(int dataOffset, String descr, boolean fortranOrder, int[] shape) {}

    /**
     * Parses the header at the start of {@code bytes}.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static Header parseHeader(ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 10) {
            throw new IllegalArgumentException("too short for a .npy header");
        }
        for (byte m : MAGIC) {
            if (b.get() != m) {
                throw new IllegalArgumentException("not a .npy array (bad magic)");
            }
        }
        int major = b.get() & 0xFF;
        b.get();
        long length = switch (major) {
            case 1 -> b.getShort() & 0xFFFF;
            case 2, 3 -> b.getInt() & 0xFFFFFFFFL;
            default -> throw new IllegalArgumentException(".npy version " + major + " is not supported");
        };
        if (length > b.remaining()) {
            throw new IllegalArgumentException("header length " + length + " runs past the end of the entry");
        }
        byte[] text = new byte[(int) length];
        b.get(text);
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> parsed = new LiteralParser(dict).dict();
        Object descr = parsed.get("descr");
        Object fortran = parsed.get("fortran_order");
        Object shape = parsed.get("shape");
        if (!(descr instanceof String d) || !(fortran instanceof Boolean f) || !(shape instanceof List<?> s)) {
            throw new IllegalArgumentException("header lacks descr, fortran_order or shape: " + dict.strip());
        }
        int[] dims = new int[s.size()];
        for (int i = 0; i < dims.length; i++) {
            long v = (Long) s.get(i);
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("dimension " + v + " is out of range");
            }
            dims[i] = (int) v;
        }
        return new Header(b.position() - bytes.position(), d, f, dims);
    }

    /** Decodes an array from a whole {@code .npy} entry. */
    static NpyArray read(ByteBuffer entry) {
        Header h = parseHeader(entry);
        if (h.fortranOrder() && h.shape().length > 1) {
            throw new IllegalArgumentException("the array is stored in Fortran order, which genbench does not read;"
                    + " save it with numpy.ascontiguousarray");
        }
        ByteBuffer data = entry.duplicate().position(entry.position() + h.dataOffset()).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        long count = NpyArray.count(h.shape());
        String descr = h.descr();
        int itemSize = itemSize(descr);
        if (count * itemSize > data.remaining()) {
            throw new IllegalArgumentException("shape needs " + count * itemSize + " bytes of " + descr
                    + " data, the entry has " + data.remaining());
        }
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(count + " elements are more than one Java array holds");
        }
        int n = (int) count;
        int[] shape = h.shape();
        switch (descr) {
            case "<f4" -> {
                float[] v = new float[n];
                data.asFloatBuffer().get(v);
                return new NpyArray.Float32(v, shape);
            }
            case "<f8" -> {
                double[] v = new double[n];
                data.asDoubleBuffer().get(v);
                return new NpyArray.Float64(v, shape);
            }
            case "<i4" -> {
                int[] v = new int[n];
                data.asIntBuffer().get(v);
                return new NpyArray.Int32(v, shape);
            }
            case "<i8" -> {
                long[] v = new long[n];
                data.asLongBuffer().get(v);
                return new NpyArray.Int64(v, shape);
            }
            case "|b1" -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = data.get(i) != 0;
                }
                return new NpyArray.Bool(v, shape);
            }
            default -> {
                int width = itemSize / 4;
                String[] v = new String[n];
                var sb = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    sb.setLength(0);
                    int end = width;
                    // NumPy strips trailing NULs: they are padding.
                    while (end > 0 && data.getInt((i * width + end - 1) * 4) == 0) {
                        end--;
                    }
                    for (int k = 0; k < end; k++) {
                        int cp = data.getInt((i * width + k) * 4);
                        if (!Character.isValidCodePoint(cp)) {
                            throw new IllegalArgumentException("element " + i + " holds invalid code point " + cp);
                        }
                        sb.appendCodePoint(cp);
                    }
                    v[i] = sb.toString();
                }
                return new NpyArray.Unicode(v, shape, width);
            }
        }
    }

    private static int itemSize(String descr) {
        switch (descr) {
            case "<f4", "<i4" -> {
                return 4;
            }
            case "<f8", "<i8" -> {
                return 8;
            }
            case "|b1" -> {
                return 1;
            }
            default -> {
                if (descr.startsWith("<U")) {
                    try {
                        int width = Integer.parseInt(descr.substring(2));
                        if (width >= 0 && width < (1 << 24)) {
                            return 4 * width;
                        }
                    } catch (NumberFormatException ignored) {
                        // falls through to the error below
                    }
                }
                throw new IllegalArgumentException("dtype " + descr + " is not supported; genbench reads <f4, <f8, "
                        + "<i4, <i8, |b1 and <U (little-endian), so convert the array with astype");
            }
        }
    }

    /** Parses the Python literals a .npy header holds: a dict of str to str, bool, int or tuple of int. */
    private static final class LiteralParser {
        private final String s;
        private int i;

        LiteralParser(String s) {
            this.s = s;
        }

        Map<String, Object> dict() {
            expect('{');
            var out = new LinkedHashMap<String, Object>();
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    i++;
                    return out;
                }
                String key = string();
                expect(':');
                out.put(key, value());
                skipSpace();
                if (peek() == ',') i++;
            }
        }

        private Object value() {
            skipSpace();
            char c = peek();
            if (c == '\'' || c == '"') return string();
            if (c == '(') return tuple();
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            return integer();
        }

        private List<Long> tuple() {
            expect('(');
            var out = new ArrayList<Long>();
            while (true) {
                skipSpace();
                if (peek() == ')') {
                    i++;
                    return out;
                }
                out.add(integer());
                skipSpace();
                if (peek() == ',') i++;
            }
        }

        private long integer() {
            skipSpace();
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
            if (start == i) throw error("a number");
            long v = Long.parseLong(s.substring(start, i));
            if (i < s.length() && s.charAt(i) == 'L') i++; // Python 2 longs
            return v;
        }

        private String string() {
            skipSpace();
            char q = peek();
            if (q != '\'' && q != '"') throw error("a quoted string");
            int end = s.indexOf(q, i + 1);
            if (end < 0) throw error("the end of a string");
            String v = s.substring(i + 1, end);
            i = end + 1;
            return v;
        }

        private void expect(char c) {
            skipSpace();
            if (peek() != c) throw error("'" + c + "'");
            i++;
        }

        private char peek() {
            if (i >= s.length()) throw error("more header");
            return s.charAt(i);
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private IllegalArgumentException error(String expected) {
            return new IllegalArgumentException("unreadable .npy header: expected " + expected + " at character " + i
                    + " of " + s.strip());
        }
    }
}
