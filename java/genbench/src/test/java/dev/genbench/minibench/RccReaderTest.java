package dev.genbench.minibench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.genbench.console.UserError;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class RccReaderTest {

    /**
     * Builds a format-2 .rcc by hand: root → "res" → {"a.txt" stored, "b.bin" zlib-compressed}. Offsets are
     * laid out as Qt's rcc tool does: header, then data, names and tree blocks.
     */
    static byte[] syntheticRcc(byte[] plain, byte[] compressible) {
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        int nameRes = names.size();
        writeName(names, "res");
        int nameA = names.size();
        writeName(names, "a.txt");
        int nameB = names.size();
        writeName(names, "b.bin");

        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int dataA = data.size();
        writeInt(data, plain.length);
        data.writeBytes(plain);
        int dataB = data.size();
        byte[] z = deflate(compressible);
        writeInt(data, z.length + 4);
        writeInt(data, compressible.length);
        data.writeBytes(z);

        ByteBuffer tree = ByteBuffer.allocate(4 * 22);
        // 0: root dir, 1 child starting at 1
        tree.putInt(0).putShort((short) 2).putInt(1).putInt(1).putLong(0);
        // 1: "res" dir, 2 children starting at 2
        tree.putInt(nameRes).putShort((short) 2).putInt(2).putInt(2).putLong(0);
        // 2: a.txt, stored
        tree.putInt(nameA).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(dataA).putLong(0);
        // 3: b.bin, compressed
        tree.putInt(nameB).putShort((short) 1).putShort((short) 0).putShort((short) 0).putInt(dataB).putLong(0);

        int header = 20;
        int dataOffset = header;
        int namesOffset = dataOffset + data.size();
        int treeOffset = namesOffset + names.size();
        ByteBuffer out = ByteBuffer.allocate(treeOffset + tree.capacity());
        out.put("qres".getBytes(StandardCharsets.US_ASCII)).putInt(2).putInt(treeOffset).putInt(dataOffset).putInt(namesOffset);
        out.put(data.toByteArray()).put(names.toByteArray()).put(tree.array());
        return out.array();
    }

    private static void writeName(ByteArrayOutputStream out, String name) {
        out.write(name.length() >> 8);
        out.write(name.length());
        writeInt(out, name.hashCode());
        out.writeBytes(name.getBytes(StandardCharsets.UTF_16BE));
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
    }

    private static byte[] deflate(byte[] in) {
        Deflater d = new Deflater();
        d.setInput(in);
        d.finish();
        byte[] buf = new byte[in.length + 64];
        int n = d.deflate(buf);
        d.end();
        return java.util.Arrays.copyOf(buf, n);
    }

    @Test
    void readsStoredAndZlibCompressedFilesWithTheirPaths() {
        byte[] plain = "a photo, stored".getBytes(StandardCharsets.UTF_8);
        byte[] compressible = "ab".repeat(5000).getBytes(StandardCharsets.UTF_8);
        List<RccReader.Entry> entries = RccReader.read(Path.of("synthetic.rcc"), syntheticRcc(plain, compressible));
        assertEquals(List.of("res/a.txt", "res/b.bin"), entries.stream().map(RccReader.Entry::path).toList());
        assertArrayEquals(plain, entries.get(0).bytes());
        assertArrayEquals(compressible, entries.get(1).bytes());
    }

    @Test
    void rejectsAFileWithoutTheQresMagic() {
        byte[] bytes = syntheticRcc(new byte[] {1}, new byte[] {2});
        bytes[0] = 'x';
        UserError e = assertThrows(UserError.class, () -> RccReader.read(Path.of("bad.rcc"), bytes));
        assertEquals(true, e.getMessage().startsWith("bad.rcc is not a Qt resource file"));
    }

    @Test
    void reportsATruncatedFile() {
        byte[] bytes = syntheticRcc("x".getBytes(StandardCharsets.UTF_8), "y".getBytes(StandardCharsets.UTF_8));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 30);
        assertThrows(UserError.class, () -> RccReader.read(Path.of("cut.rcc"), cut));
    }
}
