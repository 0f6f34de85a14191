package dev.genbench.minibench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny benchmark built end to end with a real generator (upscalerjs esrgan-slim ×2, fetched with npm and
 * converted by models/onnx/tfjs2onnx.mjs) on synthetic photos: the same seed must give the same bytes, another
 * seed other bytes. Slow: it needs npm and node and the network the first time.
 */
@Tag("slow")
class MiniBenchmarkDeterminismTest {

    static List<Photo> syntheticPhotos(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        SplittableRandom rng = new SplittableRandom(42);
        List<Photo> photos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int w = 420 + 40 * i;
            int h = 360;
            try (Mat m = new Mat(h, w, opencv_core.CV_8UC3); UByteIndexer px = m.createIndexer()) {
                double fx = 0.02 + 0.01 * rng.nextDouble();
                double fy = 0.03 + 0.01 * rng.nextDouble();
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double v = 128 + 60 * Math.sin(fx * x * (1 + i)) * Math.cos(fy * y) + rng.nextInt(30);
                        px.put(y, x, 0, (int) Math.max(0, Math.min(255, v)));
                        px.put(y, x, 1, (int) Math.max(0, Math.min(255, 255 - v)));
                        px.put(y, x, 2, (x * 255 / w + i * 20) & 0xFF);
                    }
                }
                byte[] bytes = OpenCvImages.encodeJpeg(m, 95);
                String id = PhotoPool.sha256(bytes).substring(0, 16);
                Path file = dir.resolve(id + ".jpg");
                Files.write(file, bytes);
                photos.add(new Photo(id, file, w, h, "synthetic", "photo" + i + ".jpg"));
            }
        }
        return photos;
    }

    @Test
    void sameSeedGivesTheSameDatasetAndAnotherSeedAnother(@TempDir Path tmp) throws Exception {
        List<GeneratorSpec> gens = List.of(new GeneratorSpec("esrgan-slim-x2", GeneratorSpec.SLIM, "models/x2", 2, false, LocalDate.parse("2020-01-01")));
        List<Photo> photos = syntheticPhotos(tmp.resolve("photos"), 6);
        Path sharedModels = tmp.resolve("cache-a");
        String first = build(tmp.resolve("out-a"), sharedModels, gens, photos, 1);
        // A second cache (no cached pairs), holding only the converted model: everything else is recomputed.
        Path cacheB = tmp.resolve("cache-b");
        Files.createDirectories(cacheB.resolve("onnx"));
        Files.copy(sharedModels.resolve("onnx/esrgan-slim-x2.onnx"), cacheB.resolve("onnx/esrgan-slim-x2.onnx"));
        String second = build(tmp.resolve("out-b"), cacheB, gens, photos, 1);
        assertEquals(first, second);
        String otherSeed = build(tmp.resolve("out-c"), cacheB, gens, photos, 2);
        assertNotEquals(first, otherSeed);

        List<HfSplitReader.Row> train = HfSplitReader.read(tmp.resolve("out-a/train"));
        assertEquals(6, train.size());
        assertEquals(3, train.stream().filter(r -> r.label() == 1).count());
        for (HfSplitReader.Row r : train) {
            assertTrue(Math.min(r.width(), r.height()) >= 200, r.fileId());
            assertTrue(OpenCvImages.decode(r.image()).isPresent(), r.fileId());
        }
        try (Stream<Path> files = Files.list(tmp.resolve("out-a"))) {
            assertEquals(List.of("dataset_dict.json", "generators.csv", MiniBenchmarkBuilder.BUILD_RECORD, "train", "validation"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    private static String build(Path out, Path cache, List<GeneratorSpec> gens, List<Photo> photos, long seed) {
        var options = new MiniBenchmarkOptions(out, cache, 6, seed, 2);
        return new MiniBenchmarkBuilder(options, gens, () -> photos).build().contentHash();
    }
}
