package dev.genbench.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Many short strings in one UTF-8 byte array plus offsets: about 40 bytes per {@code file_id} instead of
 * a String object each, so a 360,000-row split costs megabytes, not tens of them. Immutable once built;
 * safe to read from any thread.
 */
public final class StringColumn {
    private final byte[] utf8;
    private final int[] offsets;

    private StringColumn(byte[] utf8, int[] offsets) {
        this.utf8 = utf8;
        this.offsets = offsets;
    }

    public int size() {
        return offsets.length - 1;
    }

    public String get(int row) {
        return new String(utf8, offsets[row], offsets[row + 1] - offsets[row], StandardCharsets.UTF_8);
    }

    /** Bytes held, for memory reports. */
    public long byteSize() {
        return utf8.length + 4L * offsets.length;
    }

    /** Appends strings one at a time; not thread-safe. */
    public static final class Builder {
        private byte[] utf8 = new byte[1024];
        private int[] offsets = new int[65];
        private int count;
        private int used;

        public Builder add(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return addUtf8(b, 0, b.length);
        }

        public Builder addUtf8(byte[] src, int from, int length) {
            reserve(length);
            System.arraycopy(src, from, utf8, used, length);
            return commit(length);
        }

        /** Appends UTF-8 bytes straight from (mapped) memory, without an intermediate array. */
        public Builder addUtf8(MemorySegment src, long offset, int length) {
            reserve(length);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, utf8, used, length);
            return commit(length);
        }

        private void reserve(int length) {
            if ((long) used + length > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("more than 2 GiB of strings in one column");
            }
            if (used + length > utf8.length) {
                utf8 = Arrays.copyOf(utf8, Math.max(used + length, (int) Math.min(Integer.MAX_VALUE - 8, utf8.length * 2L)));
            }
        }

        private Builder commit(int length) {
            used += length;
            if (count + 2 > offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            offsets[++count] = used;
            return this;
        }

        public int size() {
            return count;
        }

        public StringColumn build() {
            return new StringColumn(Arrays.copyOf(utf8, used), Arrays.copyOf(offsets, count + 1));
        }
    }
}
