package dev.genbench.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.config.ConfigArgument;
import dev.genbench.config.ConfigLoader;
import dev.genbench.engine.cpu.CpuBackend;
import dev.genbench.models.FeatureCache;
import dev.genbench.models.LinearHead;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark (not a timed test): one head epoch over {@code -Dgenbench.bench.rows} (default 1,000,000)
 * cached 1280-d fp16 features, batch 512, SGD + OneCycleLR, as a probe trains after its first epoch.
 * Prints the fill time, the epoch time and rows/s.
 *
 * <p>Run: {@code ./mvnw -q test -pl java/genbench -am -Dtest=HeadEpochBenchmark -Dgenbench.excluded.tags=none
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class HeadEpochBenchmark {

    @TempDir
    Path dir;

    @Test
    void oneEpochOverAMillionCachedFeatures() {
        int rows = Integer.getInteger("genbench.bench.rows", 1_000_000);
        int width = 1280;
        var spec = new FeatureCache.Spec(rows, width, FeatureCache.Precision.FP16, Map.of("bench", "head-epoch"));
        long t0 = System.nanoTime();
        int[] labels = new int[rows];
        try (FeatureCache cache = FeatureCache.open(dir, spec)) {
            var rng = new SplittableRandom(1);
            float[] row = new float[width];
            for (int r = 0; r < rows; r++) {
                labels[r] = r & 1;
                for (int i = 0; i < width; i++) {
                    row[i] = (float) (rng.nextGaussian() + (labels[r] == 1 && i < 8 ? 0.5 : 0));
                }
                cache.put(r, row, 0);
            }
            double fillS = (System.nanoTime() - t0) / 1e9;
            var config = ConfigLoader.load(List.of(ConfigArgument.Override.of("data.init_args.train_batch_size", "512"),
                    ConfigArgument.Override.of("model", "{class_path: algorithms.BaseDeepfakeDetectionModel, init_args: "
                            + "{model_name: bench_probe, optimizer: {class_path: torch.optim.SGD, init_args: {lr: 0.001, momentum: 0.9}}}}")),
                    false).config();
            try (var backend = CpuBackend.create(); LinearHead head = LinearHead.initialize(backend, width, 7)) {
                var settings = new HeadTrainer.Settings(config.trainer(), 512, 1, config.model().optimizer(), "OneCycleLR", 0.5, 7);
                long t1 = System.nanoTime();
                long steps = new HeadTrainer(backend, settings, dev.genbench.extension.Extensions.standard()).train(0, head, cache, labels, 1, 0, null,
                        new TrainingSteps.Checkpointing(new CheckpointStore(cache.folder().resolve("checkpoints")), 0, null, java.util.Map.of(),
                                dev.genbench.extension.Extensions.standard().callbacks()),
                        java.util.Optional.empty());
                double epochS = (System.nanoTime() - t1) / 1e9;
                System.out.printf(Locale.ROOT, "head epoch: %d rows x %d fp16 features, batch 512: %d steps in %.2f s (%.0f rows/s); "
                        + "cache fill %.1f s; %d cores%n", rows, width, steps, epochS, rows / epochS, fillS,
                        Runtime.getRuntime().availableProcessors());
                assertTrue(steps == rows / 512);
            }
        }
    }
}
