package dev.genbench.train;

import dev.genbench.config.GenbenchConfig;
import dev.genbench.console.UserError;
import dev.genbench.image.AugmentationSeeds;
import dev.genbench.image.EvaluationCropping;
import dev.genbench.image.EvaluationPipeline;
import dev.genbench.image.FolderSource;
import dev.genbench.image.ImageBench;
import dev.genbench.image.SampleSource;
import dev.genbench.models.BackboneBench;
import dev.genbench.models.FeatureCache;
import dev.genbench.models.FeatureExtractor;
import dev.genbench.models.ModelCard;
import dev.genbench.models.ModelCatalogue;
import dev.genbench.models.OrtBackbone;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The feature-caching path end to end, for {@code genbench bench --stage cache}: what a probe's first epoch
 * does before it trains ({@link ProbeFeatures#fill}: the loader decodes the photos and applies the mandatory
 * evaluation preprocessing, the backbone runs on ONNX Runtime, the features go into the memory-mapped fp16
 * shards of a new {@link FeatureCache}), then the epoch's head training ({@link HeadTrainer}). A second pass
 * over the same samples finds every row cached (no backbone image) and only trains the head: the ratio of
 * the two passes is what the cache saves each later epoch.
 *
 * <p>Warm-up images fill a cache of their own first (session start-up, JIT), and every pass starts from an
 * empty cache in a temporary folder under {@code cacheRoot}, deleted at the end. Labels are {@code i % 2}.
 */
public final class CacheBench {
    private CacheBench() {}

    /**
     * @param photos folder of .jpg/.png/.webp files, cycled (warm-up images first, then the timed ones)
     * @param workers loader threads
     * @param cacheRoot where the temporary caches go
     */
    public record Settings(String model, Path modelsFolder, Path photos, int workers, OrtBackbone.Options backbone, int batchSize,
            int warmupImages, int images, Path cacheRoot) {
        public Settings {
            if (batchSize < 1 || warmupImages < 0 || images < batchSize) {
                throw new UserError("--stage cache needs --images of at least one --batch (" + batchSize + ") and --warmup of"
                        + " at least 0, got " + images + " and " + warmupImages);
            }
        }
    }

    /**
     * @param firstPass the backbone pass's timing (images/s over the timed images)
     * @param firstHeadSeconds the head epoch after the backbone pass
     * @param cachedPassSeconds the second pass: opening the cache and finding every row cached, then a head epoch
     * @param cachedHeadSeconds the second pass's head epoch alone (what each later epoch of a window costs)
     * @param cachedPassBackboneImages images the backbone ran in the second pass (0: all cached)
     * @param peakHeapMb the JVM heap's peak in use during the timed passes (sum of its pools' peaks)
     */
    public record Result(ImageBench.Result firstPass, double firstHeadSeconds, double cachedPassSeconds, double cachedHeadSeconds,
            long cachedPassBackboneImages,
            double peakHeapMb, String model, int featureWidth, int workers, OrtBackbone.Options backbone) {

        /** The first epoch (backbone pass + head epoch) over a cached one. */
        public double cachedEpochSpeedup() {
            return (firstPass.seconds() + firstHeadSeconds) / cachedPassSeconds;
        }

        public String toJson() {
            String json = ImageBench.json(firstPass);
            return json.substring(0, json.length() - 1) + String.format(Locale.ROOT, ", \"peak_heap_mb\": %.1f,"
                    + " \"first_epoch\": {\"backbone_pass_seconds\": %.3f, \"head_epoch_seconds\": %.4f, \"seconds\": %.3f},"
                    + " \"cached_epoch\": {\"seconds\": %.4f, \"head_epoch_seconds\": %.4f, \"backbone_images\": %d},"
                    + " \"cached_epoch_speedup\": %.1f,"
                    + " \"model\": \"%s\", \"feature_width\": %d, \"cache_precision\": \"fp16\", \"setup\": {\"loader_workers\": %d,"
                    + " \"intra_op_threads\": %d, \"inter_op_threads\": %d, \"spin_wait\": %b, \"provider\": \"%s\"}}",
                    peakHeapMb, firstPass.seconds(), firstHeadSeconds, firstPass.seconds() + firstHeadSeconds, cachedPassSeconds,
                    cachedHeadSeconds, cachedPassBackboneImages, cachedEpochSpeedup(), model, featureWidth, workers, backbone.intraOpThreads(),
                    backbone.interOpThreads(), backbone.spinWait(), backbone.provider());
        }
    }

    public static Result run(Settings s) {
        ModelCatalogue.Resolved model = BackboneBench.resolveModel(s.model(), s.modelsFolder());
        ModelCard.Input input = model.card().input();
        var pipeline = new EvaluationPipeline(OptionalInt.of(1080), EvaluationCropping.RESIZE, input.width(), input.height());
        var seeds = AugmentationSeeds.evaluation(AugmentationSeeds.DEFAULT_BASE_SEED);
        FolderSource photos = FolderSource.of(s.photos(), (long) s.warmupImages() + s.images());
        GenbenchConfig config = HeadBench.config(s.batchSize(), s.workers());
        var head = new HeadTrainer.Settings(config.trainer(), s.batchSize(), 1, config.model().optimizer(), "OneCycleLR", 0.5, 7);
        Path root = HeadBench.temporaryFolder(s.cacheRoot(), "genbench-cache-bench");
        try (CountingExtractor backbone = new CountingExtractor(OrtBackbone.open(model, s.backbone()));
                var engine = dev.genbench.engine.cpu.CpuBackend.create()) {
            if (s.warmupImages() > 0) {
                var warmup = new ProbeFeatures.Job("warm-up features", slice(photos, 0, s.warmupImages()), pipeline, seeds,
                        Map.of("bench", "cache warm-up"));
                try (FeatureCache cache = ProbeFeatures.fill(root, warmup, backbone, config, FeatureCache.Shard.all())) {
                    if (s.warmupImages() >= s.batchSize()) {
                        HeadBench.epoch(engine, head, cache, labels(s.warmupImages()));
                    }
                }
            }
            var job = new ProbeFeatures.Job("features", slice(photos, s.warmupImages(), s.images()), pipeline, seeds,
                    Map.of("bench", "cache"));
            int[] labels = labels(s.images());
            resetHeapPeaks();
            long t0 = System.nanoTime();
            FeatureCache first = ProbeFeatures.fill(root, job, backbone, config, FeatureCache.Shard.all());
            long t1 = System.nanoTime();
            ImageBench.Result timing;
            try (first) {
                timing = ImageBench.result(s.images(), t1 - t0, new double[0]);
                HeadBench.epoch(engine, head, first, labels);
            }
            long t2 = System.nanoTime();
            long before = backbone.images.get();
            long headNanos;
            try (FeatureCache again = ProbeFeatures.fill(root, job, backbone, config, FeatureCache.Shard.all())) {
                long h = System.nanoTime();
                HeadBench.epoch(engine, head, again, labels);
                headNanos = System.nanoTime() - h;
            }
            long t3 = System.nanoTime();
            return new Result(timing, (t2 - t1) / 1e9, (t3 - t2) / 1e9, headNanos / 1e9, backbone.images.get() - before, peakHeapMb(),
                    model.card().name(), backbone.featureWidth(), s.workers(), s.backbone());
        } finally {
            HeadBench.deleteTree(root);
        }
    }

    /** The backbone, counting the images it runs, so that a pass that should be all cached can be seen to be. */
    private static final class CountingExtractor implements FeatureExtractor {
        private final FeatureExtractor backbone;
        final AtomicLong images = new AtomicLong();

        CountingExtractor(FeatureExtractor backbone) {
            this.backbone = backbone;
        }

        @Override
        public ModelCard card() {
            return backbone.card();
        }

        @Override
        public int featureWidth() {
            return backbone.featureWidth();
        }

        @Override
        public void run(FloatBuffer pixels, int batch, FloatBuffer features) {
            images.addAndGet(batch);
            backbone.run(pixels, batch, features);
        }

        @Override
        public void close() {
            backbone.close();
        }
    }

    /** Samples {@code from .. from + count} of {@code source}, renumbered from 0. */
    private static SampleSource slice(SampleSource source, long from, long count) {
        return new SampleSource() {
            @Override
            public long size() {
                return count;
            }

            @Override
            public EncodedSample read(long index) {
                return source.read(from + index);
            }
        };
    }

    private static int[] labels(int count) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i & 1;
        }
        return labels;
    }

    private static void resetHeapPeaks() {
        System.gc(); // start from the live heap, not the warm-up's garbage
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static double peakHeapMb() {
        return heapPools().mapToLong(p -> p.getPeakUsage().getUsed()).sum() / 1048576.0;
    }

    private static Stream<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP && p.isValid());
    }
}
