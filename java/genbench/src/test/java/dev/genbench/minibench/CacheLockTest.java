package dev.genbench.minibench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheLockTest {

    @Test
    void aHeldLockRefusesASecondHolderAndRecordsWhoHoldsIt(@TempDir Path cache) throws Exception {
        try (CacheLock first = CacheLock.tryAcquire(cache)) {
            assertNotNull(first);
            assertNull(CacheLock.tryAcquire(cache), "a second holder while the first holds the lock");
            assertTrue(Files.readString(cache.resolve(".lock")).contains("@"), "pid@host of the holder");
        }
        try (CacheLock again = CacheLock.tryAcquire(cache)) {
            assertNotNull(again, "released on close");
        }
    }

    @Test
    void pruningLeavesTheCacheAloneWhileABuildHoldsIt(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        Path photo = cache.resolve("photos/p.jpg");
        Files.createDirectories(photo.getParent());
        Files.write(photo, new byte[] {1, 2, 3});
        var builder = new MiniBenchmarkBuilder(new MiniBenchmarkOptions(dir.resolve("out"), cache, 5, 1, 1), List.of(), List::of);
        try (CacheLock building = CacheLock.tryAcquire(cache)) {
            assertNotNull(building);
            assertEquals(0, builder.dropRebuildableFiles());
            assertTrue(Files.exists(photo), "a build in progress still reads its photos");
        }
        assertEquals(3, builder.dropRebuildableFiles());
        assertTrue(Files.notExists(photo));
    }
}
