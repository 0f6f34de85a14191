package dev.genbench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every file we ship in configs/ loads, alone and in the combinations the README shows. */
class ConfigsFolderTest {

    /** Surefire runs in the module folder; the repository root is two levels up. */
    static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
    static final Path CONFIGS = REPO.resolve("configs");

    static List<Path> allConfigs() throws IOException {
        try (Stream<Path> files = Files.walk(CONFIGS)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyShippedConfigLoads() throws IOException {
        List<Path> files = allConfigs();
        assertTrue(files.size() >= 16, "expected the original's 14 files and the mini-benchmark configs, found " + files);
        Path originalPipeline = CONFIGS.resolve("benchmark_pipelines/base_benchmark_sliding_windows.yaml");
        Path miniPipeline = CONFIGS.resolve("mini_benchmark/mini_benchmark_sliding_windows.yaml");
        for (Path f : files) {
            if (isPipeline(f)) {
                // A pipeline alone lacks only the model, which the model config brings.
                ConfigLoader.load(List.of(new ConfigArgument.File(f)), true);
            } else {
                // A model config names its loggers by position, so it loads over the pipeline it is made for.
                Path pipeline = f.startsWith(CONFIGS.resolve("mini_benchmark")) ? miniPipeline : originalPipeline;
                ConfigLoader.load(List.of(new ConfigArgument.File(pipeline), new ConfigArgument.File(f)), false);
            }
        }
    }

    static boolean isPipeline(Path p) {
        return p.toString().contains("pipelines") || p.toString().endsWith("_windows.yaml");
    }

    @Test
    void everyPipelineCombinesWithEveryModelConfigOfItsFamilyAndTheLocalConfig() throws IOException {
        Path mini = CONFIGS.resolve("mini_benchmark");
        List<Path> pipelines = allConfigs().stream().filter(ConfigsFolderTest::isPipeline).toList();
        assertEquals(3, pipelines.size(), pipelines.toString());
        int combinations = 0;
        for (Path pipeline : pipelines) {
            for (Path model : allConfigs().stream().filter(p -> !isPipeline(p)).toList()) {
                if (pipeline.startsWith(mini) != model.startsWith(mini)) {
                    continue; // the original model configs set two loggers by position, as the original pipelines declare
                }
                var loaded = ConfigLoader.load(List.of(new ConfigArgument.File(pipeline), new ConfigArgument.File(model),
                        new ConfigArgument.File(REPO.resolve("local_config.yaml"))), false);
                assertFalse(loaded.config().model().modelName().isBlank());
                assertEquals(Path.of("datasets/mini_genbench"), loaded.config().datasetPath());
                combinations++;
            }
        }
        assertEquals(2 * 12 + 1, combinations);
    }

    @Test
    void originalSlidingWindowPipelineWithRn50TuneGivesTheOriginalValues() {
        var c = ConfigLoader.load(List.of(
                new ConfigArgument.File(CONFIGS.resolve("benchmark_pipelines/base_benchmark_sliding_windows.yaml")),
                new ConfigArgument.File(CONFIGS.resolve("RN50_clip/RN50_clip_tune_resize.yaml"))), false).config();
        assertEquals(64, c.data().trainBatchSize());
        assertEquals(8, c.trainer().accumulateGradBatches());
        assertEquals(4, c.data().augmentationFactor());
        assertEquals(1080, c.data().maximumProcessingSize());
        assertEquals(4, c.experimentInfo().slidingWindowsDefinition().nGeneratorsPerWindow());
        assertEquals(ExperimentInfo.BenchmarkType.CUMULATIVE, c.experimentInfo().slidingWindowsDefinition().benchmarkType());
        assertEquals("RN50_tune", c.model().modelName());
        assertEquals(Path.of("./experiments_logs/RN50_clip_tune_resize"), ((LoggerConfig.TensorBoard) c.trainer().logger().getFirst()).saveDir());
        assertEquals(5, c.trainer().callbacks().size());
        var sgd = (OptimizerConfig.Sgd) c.model().optimizer();
        assertEquals(0.0001, sgd.weightDecay());
        assertEquals(0.9, sgd.momentum());
    }

    @Test
    void fullTrainingPipelineUsesTheNoneBenchmarkDefaults() {
        var c = ConfigLoader.load(List.of(
                new ConfigArgument.File(CONFIGS.resolve("benchmark_pipelines/base_benchmark_full_training.yaml")),
                new ConfigArgument.File(CONFIGS.resolve("dinov2/dinov2_probe_resize.yaml"))), false).config();
        assertEquals(ExperimentInfo.BenchmarkType.NONE, c.experimentInfo().slidingWindowsDefinition().benchmarkType());
        assertEquals(0, c.experimentInfo().slidingWindowsDefinition().nGeneratorsPerWindow());
        assertEquals(2, c.trainer().callbacks().size());
    }

    @Test
    void theMiniBenchmarkModelIsTheOriginalsSoftAugmentationsModel() {
        var c = ConfigLoader.load(List.of(
                new ConfigArgument.File(CONFIGS.resolve("mini_benchmark/mini_benchmark_sliding_windows.yaml")),
                new ConfigArgument.File(CONFIGS.resolve("mini_benchmark/mobilenetv2_nsfw_probe_multicrop.yaml"))), false).config();
        assertTrue(c.model().softTrainAugmentations());
        var base = ConfigLoader.load(List.of(
                new ConfigArgument.File(CONFIGS.resolve("benchmark_pipelines/base_benchmark_sliding_windows.yaml")),
                new ConfigArgument.File(CONFIGS.resolve("RN50_clip/RN50_clip_probe_resize.yaml"))), false).config();
        assertFalse(base.model().softTrainAugmentations());
    }
}
