package dev.genbench.train;

import dev.genbench.config.GenbenchConfig;
import dev.genbench.console.Log;
import dev.genbench.console.Progress;
import dev.genbench.image.AugmentationSeeds;
import dev.genbench.image.Batch;
import dev.genbench.image.BatchLoader;
import dev.genbench.image.ItemPipeline;
import dev.genbench.image.SampleSource;
import dev.genbench.io.FaultPoints;
import dev.genbench.models.FeatureCache;
import dev.genbench.models.ModelCard;
import dev.genbench.models.FeatureExtractor;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fills a feature cache for one list of samples: the loader decodes and preprocesses the images the
 * cache does not hold yet, the backbone turns them into features, the cache keeps them. A second call
 * with the same key finds every row filled and runs no backbone.
 *
 * <p>The cache key holds everything the features depend on: the dataset, the sample list (positions
 * set the augmentation seeds, SPEC §5), the model card, the pipeline and its seeds. With
 * {@code deterministic_augmentations} off the images are random on every access, so such features are
 * cached once per key and reused, which the log says.
 */
final class ProbeFeatures {
    private ProbeFeatures() {}

    /**
     * Where and for what one list's features are computed.
     *
     * @param key what the features depend on besides what {@link #fill} adds (the card, the pipeline, the seeds)
     */
    record Job(String task, SampleSource samples, ItemPipeline pipeline, AugmentationSeeds seeds, Map<String, Object> key) {

        /** A job over positions of a split; the positions set the augmentation seeds (SPEC §5), so they join the key. */
        static Job of(String task, SplitSamples samples, ItemPipeline pipeline, AugmentationSeeds seeds, Map<String, Object> key) {
            Map<String, Object> withPositions = new LinkedHashMap<>(key);
            withPositions.put("positions", Arrays.hashCode(samples.positions()));
            return new Job(task, samples, pipeline, seeds, withPositions);
        }
    }

    static FeatureCache fill(Path cacheRoot, Job job, FeatureExtractor backbone, GenbenchConfig config, FeatureCache.Shard shard) {
        ModelCard card = backbone.card();
        // One row per (image, crop slot): multicrop keeps maxCrops slots per image, of which an image smaller
        // than the input fills only the first (its single centre crop, SPEC §6.4).
        int slots = job.pipeline().maxCrops();
        long images = job.seeds().datasetSize(job.samples().size());
        long rows = images * slots;
        Map<String, Object> key = new LinkedHashMap<>(job.key());
        key.put("samples", job.samples().size());
        key.put("model_card", card.toString());
        key.put("pipeline", job.pipeline().toString());
        key.put("augmentation_factor", job.seeds().augmentationFactor());
        key.put("augmentations_base_seed", job.seeds().baseSeed());
        key.put("deterministic_augmentations", config.data().deterministicAugmentations());
        var spec = new FeatureCache.Spec(rows, card.featureWidth(), FeatureCache.Precision.FP16, key);
        FeatureCache cache = FeatureCache.open(cacheRoot, spec);
        try {
            // An image is cached once its first slot is: its crops are written last slot first (below).
            long[] missing = java.util.stream.LongStream.range(0, images)
                    .filter(j -> shard.owns(j) && !cache.isFilled(j * slots))
                    .toArray();
            if (missing.length == 0) {
                Log.info("%s: all %d feature rows cached in %s", job.task(), rows, cache.folder());
                return cache;
            }
            if (!config.data().deterministicAugmentations()) {
                Log.warnOnce("nondeterministic-cache", "deterministic_augmentations is false: each image's augmentation is"
                        + " drawn once and its features cached, so later epochs and reruns reuse that draw");
            }
            Log.info("%s: computing %d of %d feature rows (backbone %s) into %s", job.task(), missing.length, rows,
                    card.name(), cache.folder());
            int batchSize = config.data().evalBatchSize();
            var settings = EvaluationRecorder.loaderSettings(config, card, batchSize, false);
            int width = card.featureWidth();
            long started = System.nanoTime();
            try (BatchLoader loader = new BatchLoader(job.samples(), job.pipeline(), job.seeds(), missing, settings);
                    Progress progress = Progress.start(job.task(), missing.length, "img")) {
                fillFrom(loader, progress, job, backbone, cache, slots, batchSize, width);
            } catch (RuntimeException e) {
                throw datasetVanished(config).orElseThrow(() -> e);
            }
            // With on_bad_image: skip, images of a vanished dataset would only be skipped: their rows must not
            // silently go missing from training.
            var vanished = datasetVanished(config);
            if (vanished.isPresent()) {
                throw vanished.get();
            }
            cache.flush();
            double seconds = (System.nanoTime() - started) / 1e9;
            Log.info("%s: %d images in %.1f s (%.1f img/s)", job.task(), missing.length, seconds, missing.length / seconds);
            return cache;
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
    }

    /** A clear error when the dataset folder is gone (unmounted, moved, deleted) while the run reads it. */
    private static java.util.Optional<dev.genbench.console.UserError> datasetVanished(GenbenchConfig config) {
        Path dataset = config.resolvedDatasetPath();
        if (dataset == null || java.nio.file.Files.exists(dataset)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new dev.genbench.console.UserError("the dataset '" + dataset + "' disappeared during the run"
                + " (unmounted, moved or deleted); restore it and run the same command again: the features cached so far are kept"));
    }

    /** Runs the loader's batches through the backbone into the cache; stops (rows kept) when a stop is requested. */
    private static void fillFrom(BatchLoader loader, Progress progress, Job job, FeatureExtractor backbone, FeatureCache cache, int slots,
            int batchSize, int width) {
        float[] features = new float[batchSize * slots * width]; // a batch holds up to maxCrops crops per image
        FloatBuffer out = FloatBuffer.wrap(features);
        for (Batch next = loader.next(); next != null; next = loader.next()) {
            try (Batch batch = next) {
                int n = batch.crops();
                if (n == 0) {
                    continue;
                }
                FloatBuffer pixels = batch.tensor().asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
                out.clear();
                backbone.run(pixels, n, out);
                long[] indices = batch.datasetIndices();
                int[] cropToImage = batch.cropToImage();
                int[] slot = new int[n];
                int[] seen = new int[batch.images()];
                for (int c = 0; c < n; c++) {
                    slot[c] = seen[cropToImage[c]]++;
                }
                for (int c = n - 1; c >= 0; c--) {
                    cache.put(indices[cropToImage[c]] * slots + slot[c], features, c * width);
                }
                progress.step(batch.images());
            }
            FaultPoints.reach("cache-batch");
            // Rows are durable as they are written, so stopping here loses nothing; the cache is flushed on close.
            StopSignals.stopIfRequested(job.task());
        }
        if (loader.stats().skipped() > 0) {
            Log.warn("%s: %d images were skipped (data.init_args.on_bad_image: skip); their rows stay empty",
                    job.task(), loader.stats().skipped());
        }
    }
}
