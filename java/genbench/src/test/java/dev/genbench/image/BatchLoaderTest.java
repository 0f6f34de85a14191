package dev.genbench.image;

import dev.genbench.config.OnBadImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    private static final int SIZE = 32;

    /** In-memory samples: JPEGs and PNGs of varied sizes, with chosen indices replaced by broken bytes. */
    static final class MemorySource implements SampleSource {
        final List<byte[]> images = new ArrayList<>();

        MemorySource(int n, Set<Integer> broken) {
            for (int i = 0; i < n; i++) {
                if (broken.contains(i)) {
                    images.add(i % 2 == 0 ? new byte[0] : new byte[] {1, 2, 3, 4});
                    continue;
                }
                try (Mat img = TestImages.noise(40 + 7 * i, 30 + 5 * (i % 4), i)) {
                    images.add(TestImages.encode(img, i % 2 == 0 ? ".jpg" : ".png"));
                }
            }
        }

        @Override
        public long size() {
            return images.size();
        }

        @Override
        public EncodedSample read(long index) {
            return new EncodedSample("img-" + index, images.get((int) index));
        }
    }

    private static LoaderSettings settings(int workers, int batch) {
        return LoaderSettings.defaults(batch).withWorkers(workers);
    }

    private static EvaluationPipeline pipeline(EvaluationCropping cropping) {
        return new EvaluationPipeline(OptionalInt.of(48), cropping, SIZE, SIZE);
    }

    /** Every batch's tensor bytes, concatenated per dataset index. */
    private static Map<Long, byte[]> load(BatchLoader loader) {
        Map<Long, byte[]> out = new HashMap<>();
        for (Batch next = loader.next(); next != null; next = loader.next()) {
            try (Batch b = next) {
                long[] idx = b.datasetIndices();
                int[] owner = b.cropToImage();
                long bytesPerCrop = b.tensor().byteSize() / b.crops();
                for (int k = 0; k < b.images(); k++) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    for (int c = 0; c < b.crops(); c++) {
                        if (owner[c] == k) {
                            bytes.writeBytes(b.tensor().asSlice(c * bytesPerCrop, bytesPerCrop).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                        }
                    }
                    out.put(idx[k], bytes.toByteArray());
                }
            }
        }
        return out;
    }

    @Test
    void outputIsIdenticalForOneTwoAndThreeWorkers() {
        MemorySource source = new MemorySource(23, Set.of());
        Map<Long, byte[]> reference = null;
        for (int workers = 1; workers <= 3; workers++) {
            try (BatchLoader loader = new BatchLoader(source, pipeline(EvaluationCropping.RESIZE),
                    AugmentationSeeds.evaluation(4321), null, settings(workers, 5))) {
                Map<Long, byte[]> got = load(loader);
                assertEquals(23, got.size());
                if (reference == null) {
                    reference = got;
                } else {
                    for (long j = 0; j < 23; j++) {
                        assertArrayEquals(reference.get(j), got.get(j), "image " + j + " with " + workers + " workers");
                    }
                }
            }
        }
    }

    @Test
    void loaderOutputEqualsThePipelineRunByHand() {
        MemorySource source = new MemorySource(6, Set.of());
        EvaluationPipeline pipeline = pipeline(EvaluationCropping.RESIZE);
        TensorWriter writer = new TensorWriter(TensorLayout.NCHW, TensorType.FLOAT32, Normalization.CLIP);
        try (BatchLoader loader = new BatchLoader(source, pipeline, AugmentationSeeds.evaluation(4321), null, settings(2, 4));
                Arena arena = Arena.ofConfined()) {
            Map<Long, byte[]> got = load(loader);
            ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULT);
            for (long i = 0; i < 6; i++) {
                List<Mat> crops = pipeline.run(decoder.decode(source.images.get((int) i), "x"), new SeededRng(4321 + i), null);
                MemorySegment dst = arena.allocate(writer.bytesPerImage(SIZE, SIZE));
                writer.write(crops.get(0), dst);
                crops.forEach(Mat::close);
                assertArrayEquals(dst.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), got.get(i), "image " + i);
            }
        }
    }

    @Test
    void orderedDeliveryKeepsBatchOrderAndCustomOrder() {
        MemorySource source = new MemorySource(12, Set.of());
        long[] order = {11, 3, 7, 0, 1, 2, 4, 5, 6, 8, 9, 10};
        try (BatchLoader loader = new BatchLoader(source, pipeline(EvaluationCropping.CROP),
                AugmentationSeeds.evaluation(4321), order, settings(2, 3))) {
            List<Long> seen = new ArrayList<>();
            long expectedNumber = 0;
            for (Batch next = loader.next(); next != null; next = loader.next()) {
                try (Batch b = next) {
                    assertEquals(expectedNumber++, b.number());
                    for (long j : b.datasetIndices()) {
                        seen.add(j);
                    }
                    assertArrayEquals(new long[] {b.crops(), 3, SIZE, SIZE}, b.shape());
                }
            }
            assertEquals(java.util.Arrays.stream(order).boxed().toList(), seen);
            assertEquals(4, loader.stats().batches());
            assertEquals(12, loader.stats().images());
            assertTrue(loader.stats().imagesPerSecond() > 0);
        }
    }

    @Test
    void unorderedDeliveryStillDeliversEveryImageOnce() {
        MemorySource source = new MemorySource(15, Set.of());
        try (BatchLoader loader = new BatchLoader(source, pipeline(EvaluationCropping.RESIZE),
                AugmentationSeeds.evaluation(4321), null, settings(3, 2).withKeepOrder(false))) {
            assertEquals(15, load(loader).size());
        }
    }

    @Test
    void multicropBatchesMapEachCropToItsImage() {
        MemorySource source = new MemorySource(4, Set.of());
        try (BatchLoader loader = new BatchLoader(source, pipeline(EvaluationCropping.MULTICROP),
                AugmentationSeeds.evaluation(4321), null, settings(1, 4))) {
            Batch b = loader.next();
            try (b) {
                int[] owner = b.cropToImage();
                assertEquals(b.crops(), owner.length);
                assertTrue(b.crops() >= 4 && b.crops() <= 20);
                for (int c = 1; c < owner.length; c++) {
                    assertTrue(owner[c] == owner[c - 1] || owner[c] == owner[c - 1] + 1, "crops are grouped by image");
                }
                assertEquals(3, owner[owner.length - 1]);
            }
            assertNull(loader.next());
        }
    }

    @Test
    void multicropWithSkippedImagesCompactsEachImagesCropsInOrder() {
        // Heights 30..45 around the 32 px input: some images yield 1 crop, others 5; image 3 is broken.
        MemorySource source = new MemorySource(9, Set.of(3));
        EvaluationPipeline pipeline = pipeline(EvaluationCropping.MULTICROP);
        TensorWriter writer = new TensorWriter(TensorLayout.NCHW, TensorType.FLOAT32, Normalization.CLIP);
        try (BatchLoader loader = new BatchLoader(source, pipeline, AugmentationSeeds.evaluation(4321), null,
                settings(2, 4).withOnBadImage(OnBadImage.SKIP));
                Arena arena = Arena.ofConfined()) {
            PrintStream previous = Log.redirect(new PrintStream(new ByteArrayOutputStream(), true));
            Map<Long, byte[]> got;
            try {
                got = load(loader);
            } finally {
                Log.redirect(previous);
            }
            assertEquals(8, got.size());
            ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULT);
            int fiveCropImages = 0;
            for (long i = 0; i < 9; i++) {
                if (i == 3) {
                    continue;
                }
                List<Mat> crops = pipeline.run(decoder.decode(source.images.get((int) i), "x"), new SeededRng(4321 + i), null);
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                for (Mat crop : crops) {
                    MemorySegment dst = arena.allocate(writer.bytesPerImage(SIZE, SIZE));
                    writer.write(crop, dst);
                    expected.writeBytes(dst.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
                fiveCropImages += crops.size() == 5 ? 1 : 0;
                crops.forEach(Mat::close);
                assertArrayEquals(expected.toByteArray(), got.get(i), "image " + i);
            }
            assertTrue(fiveCropImages > 0 && fiveCropImages < 8, "the set mixes 1-crop and 5-crop images: " + fiveCropImages);
        }
    }

    @Test
    void badImageWithFailStopsWithItsIdAndReason() {
        MemorySource source = new MemorySource(10, Set.of(6));
        try (BatchLoader loader = new BatchLoader(source, pipeline(EvaluationCropping.RESIZE),
                AugmentationSeeds.evaluation(4321), null, settings(2, 2))) {
            UserError e = assertThrows(UserError.class, () -> {
                Batch b;
                while ((b = loader.next()) != null) {
                    b.close();
                }
            });
            assertTrue(e.getMessage().contains("img-6") && e.getMessage().contains("empty"), e.getMessage());
        }
    }

    @Test
    void badImagesWithSkipAreCountedAndWarnedNotDropped() {
        MemorySource source = new MemorySource(10, Set.of(2, 5));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream previous = Log.redirect(new PrintStream(log, true));
        try (BatchLoader loader = new BatchLoader(source, pipeline(EvaluationCropping.RESIZE),
                AugmentationSeeds.evaluation(4321), null, settings(2, 3).withOnBadImage(OnBadImage.SKIP))) {
            Map<Long, byte[]> got = load(loader);
            assertEquals(8, got.size());
            assertTrue(!got.containsKey(2L) && !got.containsKey(5L));
            assertEquals(2, loader.stats().skipped());
            assertEquals(8, loader.stats().images());
        } finally {
            Log.redirect(previous);
        }
        String warnings = log.toString();
        assertTrue(warnings.contains("img-2") && warnings.contains("img-5"), warnings);
    }

    @Test
    void memoryCeilingShrinksTheRingAndRefusesWhenNoBatchFits() {
        MemorySource source = new MemorySource(8, Set.of());
        long batchBytes = 3L * SIZE * SIZE * 4 * 2;
        try (BatchLoader loader = new BatchLoader(source, pipeline(EvaluationCropping.RESIZE),
                AugmentationSeeds.evaluation(4321), null, settings(2, 2).withMemoryCeiling(batchBytes * 2 + 10))) {
            assertEquals(2, loader.ringSize());
            assertEquals(8, load(loader).size());
        }
        UserError e = assertThrows(UserError.class, () -> new BatchLoader(source, pipeline(EvaluationCropping.RESIZE),
                AugmentationSeeds.evaluation(4321), null, settings(1, 2).withMemoryCeiling(batchBytes - 1)));
        assertTrue(e.getMessage().contains("memory ceiling"), e.getMessage());
    }

    @Test
    void asIsCroppingIsRefusedForBatches() {
        MemorySource source = new MemorySource(2, Set.of());
        assertThrows(UserError.class, () -> new BatchLoader(source, pipeline(EvaluationCropping.AS_IS),
                AugmentationSeeds.evaluation(4321), null, settings(1, 2)));
    }

    @Test
    void trainingReplicasGetDistinctSeedsAndEveryDatasetIndexIsDelivered() {
        MemorySource source = new MemorySource(5, Set.of());
        TrainingPipeline training = new TrainingPipeline(OptionalInt.of(64), TrainingAugmentations.BASELINE,
                TrainingCropping.RESIZE, SIZE, SIZE);
        try (BatchLoader loader = new BatchLoader(source, training, new AugmentationSeeds(4321, 4), null,
                settings(2, 6).withTensor(TensorLayout.NHWC, TensorType.BFLOAT16))) {
            Map<Long, byte[]> got = load(loader);
            assertEquals(20, got.size());
            assertEquals(SIZE * SIZE * 3 * 2, got.get(0L).length);
        }
    }

    @Test
    void withoutDeterministicAugmentationsRerunsDiffer() {
        MemorySource source = new MemorySource(12, Set.of());
        LoaderSettings random = settings(2, 4).withDeterministicAugmentations(false);
        Map<Long, byte[]> first;
        Map<Long, byte[]> second;
        try (BatchLoader loader = new BatchLoader(source, pipeline(EvaluationCropping.RESIZE),
                AugmentationSeeds.evaluation(4321), null, random)) {
            first = load(loader);
        }
        try (BatchLoader loader = new BatchLoader(source, pipeline(EvaluationCropping.RESIZE),
                AugmentationSeeds.evaluation(4321), null, random)) {
            second = load(loader);
        }
        long differing = first.keySet().stream().filter(j -> !java.util.Arrays.equals(first.get(j), second.get(j))).count();
        // Each image is distorted with probability ≈ 0.8 per run; 12 images all matching twice is ~1e-8 likely.
        assertTrue(differing > 0, "fresh randomness on every access");
    }

    @Test
    void batchIsUnusableAfterClose() {
        MemorySource source = new MemorySource(2, Set.of());
        try (BatchLoader loader = new BatchLoader(source, pipeline(EvaluationCropping.RESIZE),
                AugmentationSeeds.evaluation(4321), null, settings(1, 2))) {
            Batch b = loader.next();
            b.close();
            b.close();
            assertThrows(IllegalStateException.class, b::tensor);
        }
    }
}
