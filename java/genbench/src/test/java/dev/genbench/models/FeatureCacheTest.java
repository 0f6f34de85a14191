package dev.genbench.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureCacheTest {

    @TempDir
    Path root;

    static FeatureCache.Spec spec(long rows, int width, FeatureCache.Precision p) {
        return new FeatureCache.Spec(rows, width, p, Map.of("dataset", "mini", "model", "mnv2", "seed", 4321));
    }

    static float[] row(long r, int width) {
        var rng = new SplittableRandom(r);
        float[] out = new float[width];
        for (int i = 0; i < width; i++) {
            out[i] = (float) (rng.nextGaussian() * 3);
        }
        return out;
    }

    @Test
    void rowsWrittenAreReadBackExactlyInFp32AndWithinHalfPrecisionInFp16() {
        for (var precision : FeatureCache.Precision.values()) {
            try (var cache = FeatureCache.open(root, spec(1000, 37, precision))) {
                for (long r = 0; r < 1000; r += 3) {
                    cache.put(r, row(r, 37), 0);
                }
                float[] got = new float[37];
                for (long r = 0; r < 1000; r += 3) {
                    cache.get(r, got, 0);
                    float[] want = row(r, 37);
                    for (int i = 0; i < 37; i++) {
                        double tolerance = precision == FeatureCache.Precision.FP32 ? 0 : Math.abs(want[i]) * 1e-3 + 1e-4;
                        assertEquals(want[i], got[i], tolerance, precision + " row " + r);
                    }
                }
                assertEquals(334, cache.filledCount());
                assertFalse(cache.isFilled(1));
                assertThrows(IllegalStateException.class, () -> cache.get(1, got, 0));
            }
        }
    }

    @Test
    void reopeningResumesWithOnlyTheMissingRows() {
        var spec = spec(600, 8, FeatureCache.Precision.FP16);
        try (var cache = FeatureCache.open(root, spec)) {
            for (long r = 0; r < 300; r++) {
                cache.put(r, row(r, 8), 0);
            }
        }
        try (var cache = FeatureCache.open(root, spec)) {
            long[] missing = cache.missingRows(FeatureCache.Shard.all());
            assertEquals(300, missing.length);
            assertEquals(300, missing[0]);
            float[] got = new float[8];
            cache.get(7, got, 0);
            assertEquals(row(7, 8)[0], got[0], 1e-2);
        }
    }

    @Test
    void shardsPartitionTheRowsAndFillOneCacheTogether() throws Exception {
        var spec = spec(5000, 4, FeatureCache.Precision.FP32);
        int n = 3;
        // Three "processes" (separate opens of the same files) each fill their shard concurrently.
        IntStream.range(0, n).parallel().forEach(i -> {
            try (var cache = FeatureCache.open(root, spec)) {
                for (long r : cache.missingRows(new FeatureCache.Shard(i, n))) {
                    cache.put(r, row(r, 4), 0);
                }
            }
        });
        try (var cache = FeatureCache.open(root, spec)) {
            assertEquals(5000, cache.filledCount());
            float[] got = new float[4];
            for (long r = 0; r < 5000; r += 499) {
                cache.get(r, got, 0);
                assertArrayEquals(row(r, 4), got);
            }
        }
        long owned = 0;
        for (int i = 0; i < n; i++) {
            var shard = new FeatureCache.Shard(i, n);
            owned += IntStream.range(0, 5000).filter(shard::owns).count();
        }
        assertEquals(5000, owned, "every row belongs to exactly one shard");
    }

    @Test
    void anotherKeyIsAnotherCacheFolder() {
        var a = spec(10, 4, FeatureCache.Precision.FP16);
        var b = new FeatureCache.Spec(10, 4, FeatureCache.Precision.FP16, Map.of("dataset", "mini", "model", "mnv2", "seed", 4322));
        assertNotEquals(a.fingerprint(), b.fingerprint());
        assertEquals(a.fingerprint(), spec(10, 4, FeatureCache.Precision.FP16).fingerprint(), "fingerprints are stable");
        try (var ca = FeatureCache.open(root, a); var cb = FeatureCache.open(root, b)) {
            assertNotEquals(ca.folder(), cb.folder());
            assertTrue(Files.exists(ca.folder().resolve("index.json")));
        }
    }

    @Test
    void aCorruptedIndexIsReportedWithTheFolderToDelete() throws IOException {
        var s = spec(10, 4, FeatureCache.Precision.FP16);
        try (var ignored = FeatureCache.open(root, s)) {
            // created
        }
        Path index = root.resolve(s.fingerprint()).resolve("index.json");
        Files.writeString(index, Files.readString(index).replace("\"width\" : 4", "\"width\" : 5"));
        var e = assertThrows(UserError.class, () -> FeatureCache.open(root, s));
        assertTrue(e.getMessage().contains("delete the folder"), e.getMessage());
    }

    @Test
    void shardArgumentIsParsedOrExplained() {
        assertEquals(new FeatureCache.Shard(2, 4), FeatureCache.Shard.parse("2/4"));
        var e = assertThrows(UserError.class, () -> FeatureCache.Shard.parse("4/4"));
        assertTrue(e.getMessage().contains("--shard must be i/n"), e.getMessage());
    }
}
