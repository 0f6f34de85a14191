package dev.genbench.train;

import dev.genbench.config.ConfigArgument;
import dev.genbench.config.ConfigLoader;
import dev.genbench.config.GenbenchConfig;
import dev.genbench.console.Progress;
import dev.genbench.console.UserError;
import dev.genbench.engine.Backend;
import dev.genbench.engine.cpu.CpuBackend;
import dev.genbench.models.FeatureCache;
import dev.genbench.models.LinearHead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One probe-head epoch over cached features, for {@code genbench bench --stage head}: the loop a probe runs
 * after its first epoch ({@link HeadTrainer}: shuffled batches from the memory-mapped fp16 cache, the linear
 * head on the engine, BCE-with-logits, gradient clipping, SGD with momentum and OneCycleLR, as the mini
 * benchmark's probe config sets them), over a cache of synthetic features on disk.
 *
 * <p>The features are Gaussian noise with a small shift in the first 8 of them for label 1; row r has label
 * {@code r % 2}. The cache key names only the rows, the width and this recipe, so a cache filled by an
 * earlier run in the same folder is reused (a peer can read the same shards, see {@code bench/peer_torch_head.py}).
 */
public final class HeadBench {
    /** The optimizer and clipping of configs/mini_benchmark/mobilenetv2_nsfw_probe_multicrop.yaml, which the peer copies. */
    static final double LR = 0.1;
    static final double MOMENTUM = 0.9;
    static final double WEIGHT_DECAY = 1e-4;
    static final double CLIP = 1.0;
    private static final long SEED = 7;

    private HeadBench() {}

    /**
     * @param cacheRoot where the synthetic cache lives (reused when already filled), or null for a temporary
     *     folder deleted at the end
     * @param warmupEpochs epochs run (each with a fresh head and schedule) before the timed one
     */
    public record Settings(long rows, int width, int batchSize, int warmupEpochs, Path cacheRoot) {
        public Settings {
            if (rows < 1 || width < 1 || batchSize < 1 || warmupEpochs < 0) {
                throw new UserError("--stage head needs --rows, --width and --batch of at least 1 and --warmup of at least 0, got "
                        + rows + ", " + width + ", " + batchSize + " and " + warmupEpochs);
            }
            if (rows < batchSize) {
                throw new UserError("--rows " + rows + " is fewer than one --batch of " + batchSize + "; an epoch would have no step");
            }
        }
    }

    /**
     * @param fillSeconds writing the synthetic cache, 0 when an earlier run's cache was reused
     * @param epochSeconds the timed epoch
     * @param steps its optimizer steps (rows / batch, the last incomplete batch dropped)
     */
    public record Result(long rows, int width, int batchSize, long steps, double epochSeconds, double fillSeconds, Path cacheFolder,
            int engineThreads) {

        public double rowsPerSecond() {
            return steps * (double) batchSize / epochSeconds;
        }

        public String toJson() {
            return String.format(Locale.ROOT, "{\"epoch_seconds\": %.4f, \"rows_per_s\": %.1f, \"rows\": %d, \"width\": %d,"
                    + " \"batch\": %d, \"steps\": %d, \"fill_seconds\": %.3f, \"precision\": \"fp16\", \"cache_folder\": \"%s\","
                    + " \"labels\": \"row %% 2\", \"setup\": {\"engine_threads\": %d, \"optimizer\": \"SGD\", \"lr\": %s,"
                    + " \"momentum\": %s, \"weight_decay\": %s, \"scheduler\": \"OneCycleLR\", \"gradient_clip_val\": %s}}",
                    epochSeconds, rowsPerSecond(), rows, width, batchSize, steps, fillSeconds,
                    cacheFolder.toAbsolutePath().toString().replace("\\", "/").replace("\"", "'"), engineThreads, LR, MOMENTUM,
                    WEIGHT_DECAY, CLIP);
        }
    }

    public static Result run(Settings s) {
        var spec = new FeatureCache.Spec(s.rows(), s.width(), FeatureCache.Precision.FP16,
                Map.of("bench", "head", "recipe", "gaussian, +0.5 on the first 8 features for label row % 2", "seed", SEED));
        int[] labels = new int[Math.toIntExact(s.rows())];
        for (int r = 0; r < labels.length; r++) {
            labels[r] = r & 1;
        }
        Path root = s.cacheRoot() != null ? s.cacheRoot() : temporaryFolder(Path.of(System.getProperty("java.io.tmpdir")),
                "genbench-head-bench");
        try (FeatureCache cache = FeatureCache.open(root, spec)) {
            double fillSeconds = fill(cache, labels);
            GenbenchConfig config = config(s.batchSize(), 1);
            var settings = new HeadTrainer.Settings(config.trainer(), s.batchSize(), 1, config.model().optimizer(), "OneCycleLR", 0.5, SEED);
            try (var backend = CpuBackend.create()) {
                for (int e = 0; e < s.warmupEpochs(); e++) {
                    epoch(backend, settings, cache, labels);
                }
                long t = System.nanoTime();
                long steps = epoch(backend, settings, cache, labels);
                double seconds = (System.nanoTime() - t) / 1e9;
                return new Result(s.rows(), s.width(), s.batchSize(), steps, seconds, fillSeconds, cache.folder(),
                        dev.genbench.engine.cpu.Parallel.threads());
            }
        } finally {
            if (s.cacheRoot() == null) {
                deleteTree(root);
            }
        }
    }

    /** One epoch of a fresh head over every filled row of {@code cache}; returns the optimizer steps. */
    static long epoch(Backend backend, HeadTrainer.Settings settings, FeatureCache cache, int[] labels) {
        Path checkpoints = temporaryFolder(Path.of(System.getProperty("java.io.tmpdir")), "genbench-head-checkpoints");
        try (LinearHead head = LinearHead.initialize(backend, cache.spec().width(), SEED)) {
            // Never due (no step count, no interval): the benchmark writes no checkpoint.
            var checkpointing = new TrainingSteps.Checkpointing(new CheckpointStore(checkpoints), 0, null, Map.of(),
                    dev.genbench.extension.Extensions.standard().callbacks());
            return new HeadTrainer(backend, settings, dev.genbench.extension.Extensions.standard()).train(0, head, cache, labels, 1, 0, null, checkpointing, Optional.empty());
        } finally {
            deleteTree(checkpoints);
        }
    }

    /**
     * The configuration the benchmarks train with: defaults plus the mini benchmark probe's optimizer and
     * clipping, {@code batchSize} for training and evaluation, {@code workers} loader threads.
     */
    static GenbenchConfig config(int batchSize, int workers) {
        String optimizer = String.format(Locale.ROOT, "{class_path: torch.optim.SGD, init_args: {lr: %s, momentum: %s, weight_decay: %s}}",
                LR, MOMENTUM, WEIGHT_DECAY);
        return ConfigLoader.load(List.<ConfigArgument>of(
                ConfigArgument.Override.of("data.init_args.train_batch_size", Integer.toString(batchSize)),
                ConfigArgument.Override.of("data.init_args.eval_batch_size", Integer.toString(batchSize)),
                ConfigArgument.Override.of("data.init_args.num_workers", Integer.toString(workers)),
                ConfigArgument.Override.of("trainer.gradient_clip_val", Double.toString(CLIP)),
                ConfigArgument.Override.of("model", "{class_path: algorithms.BaseDeepfakeDetectionModel, init_args: "
                        + "{model_name: bench_probe, scheduler: OneCycleLR, optimizer: " + optimizer + "}}")),
                false).config();
    }

    /** Writes the synthetic rows the cache lacks; returns the seconds it took (0 when all rows were there). */
    private static double fill(FeatureCache cache, int[] labels) {
        long rows = cache.spec().rows();
        if (cache.isFilled(rows - 1) && cache.filledCount() == rows) {
            return 0;
        }
        int width = cache.spec().width();
        long t = System.nanoTime();
        var rng = new SplittableRandom(SEED);
        float[] row = new float[width];
        try (Progress progress = Progress.start("head benchmark: synthetic feature cache", rows, "row")) {
            for (long r = 0; r < rows; r++) {
                for (int i = 0; i < width; i++) {
                    row[i] = (float) (rng.nextGaussian() + (labels[(int) r] == 1 && i < 8 ? 0.5 : 0));
                }
                cache.put(r, row, 0);
                if ((r & 4095) == 4095) {
                    progress.step(4096);
                }
            }
        }
        cache.flush();
        return (System.nanoTime() - t) / 1e9;
    }

    /** A new folder under {@code root} for one benchmark run; the caller deletes it ({@link #deleteTree}). */
    static Path temporaryFolder(Path root, String prefix) {
        try {
            Files.createDirectories(root);
            return Files.createTempDirectory(root, prefix);
        } catch (java.io.IOException e) {
            throw new UserError("cannot create a temporary folder under '" + root + "' (" + e.getMessage()
                    + "); give a writable --cache-dir or set TMPDIR");
        }
    }

    static void deleteTree(Path folder) {
        try (var files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a leftover temporary folder is harmless
        }
    }
}
