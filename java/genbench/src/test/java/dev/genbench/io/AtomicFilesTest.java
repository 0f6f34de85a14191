package dev.genbench.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void writesCreatesParentsAndReplacesTheOldContent(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("a/b/summary.json");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second");
        assertEquals("second", Files.readString(target));
        assertEquals(List.of(target), listFiles(target.getParent()));
    }

    @Test
    void aFailingWriterLeavesTheOldFileAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("predictions.npz");
        AtomicFiles.writeString(target, "old");
        var e = assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, ch -> {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            throw new IllegalStateException("stopped half-way");
        }));
        assertEquals("stopped half-way", e.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), listFiles(dir));
    }

    @Test
    void anIoFailureBecomesAUserErrorNamingTheFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("out.bin");
        var e = assertThrows(UserError.class, () -> AtomicFiles.write(target, ch -> {
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().contains("out.bin") && e.getMessage().contains("No space left"), e.getMessage());
        assertEquals(List.of(), listFiles(dir));
    }

    @Test
    void copyReplacesTheTargetWithTheSourceBytes(@TempDir Path dir) throws IOException {
        Path source = dir.resolve("predictions_validate_epoch=0-step=10.npz");
        Path target = dir.resolve("predictions_validate_all.npz");
        byte[] content = new byte[300_000];
        new java.util.Random(3).nextBytes(content);
        Files.write(source, content);
        AtomicFiles.writeString(target, "stale");
        AtomicFiles.copy(source, target);
        assertTrue(java.util.Arrays.equals(content, Files.readAllBytes(target)));
    }

    private static List<Path> listFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
