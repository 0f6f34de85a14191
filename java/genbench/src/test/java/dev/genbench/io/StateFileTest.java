package dev.genbench.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
    @TempDir
    Path dir;

    private static StateFile sample() {
        return new StateFile(Map.of("head.weight", new NpyArray.Float32(new float[] {1.5f, -2f, 3.25f}, new int[] {1, 3}),
                "loop.epoch_fake", new NpyArray.Bool(new boolean[] {true, false}, new int[] {2})),
                Map.of("global_step", 7, "loop", Map.of("loss_sum", 0.1 + 0.2)));
    }

    @Test
    void tensorsAndMetadataRoundTripExactlyWithChecksumsStripped() {
        Path file = dir.resolve("a.ckpt");
        sample().write(file);
        StateFile back = StateFile.read(file);
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, back.floats("head.weight"));
        assertEquals(7, back.longValue("global_step"));
        assertEquals(0.1 + 0.2, ((Map<?, ?>) back.metadata().get("loop")).get("loss_sum"), "doubles survive JSON bit for bit");
        assertTrue(!back.metadata().containsKey(StateFile.CHECKSUMS));
        assertEquals(List.of("head.weight", "loop.epoch_fake").size(), back.tensors().size());
    }

    @Test
    void aFlippedByteOrATruncatedFileIsRefusedAsCorrupt() throws IOException {
        Path file = dir.resolve("a.ckpt");
        sample().write(file);
        byte[] bytes = Files.readAllBytes(file);

        Path truncated = dir.resolve("truncated.ckpt");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        var e = assertThrows(StateFile.Corrupt.class, () -> StateFile.read(truncated));
        assertTrue(e.getMessage().startsWith("'" + truncated + "' is damaged or incomplete"), e.getMessage());

        // Change one float of head.weight and fix nothing else: the zip CRC or the SHA-256 catches it.
        Path flipped = dir.resolve("flipped.ckpt");
        byte[] copy = bytes.clone();
        int at = indexOf(copy, floatBytes(3.25f));
        copy[at] ^= 1;
        Files.write(flipped, copy);
        assertThrows(StateFile.Corrupt.class, () -> StateFile.read(flipped));
    }

    @Test
    void faultRulesParseAndRejectUnknownActions() {
        assertEquals(2, FaultPoints.parse("write:.ckpt@2=halt, cache-batch=pause").size());
        assertTrue(FaultPoints.matches("write:.ckpt", "write:epoch=0-step=2.ckpt"));
        assertTrue(!FaultPoints.matches("write:.ckpt", "write:done"));
        assertTrue(FaultPoints.matches("train-batch", "train-batch") && !FaultPoints.matches("train", "train-batch"));
        var e = assertThrows(IllegalArgumentException.class, () -> FaultPoints.parse("train-batch=explode"));
        assertTrue(e.getMessage().contains("explode"), e.getMessage());
    }

    private static byte[] floatBytes(float v) {
        return java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("bytes not found");
    }
}
