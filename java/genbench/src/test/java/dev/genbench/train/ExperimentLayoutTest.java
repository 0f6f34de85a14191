package dev.genbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.config.ConfigArgument;
import dev.genbench.config.ConfigLoader;
import dev.genbench.config.ExperimentId;
import dev.genbench.config.LoggerConfig;
import dev.genbench.config.ExperimentInfo;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentLayoutTest {

    @TempDir
    Path dir;

    private ExperimentInfo info(ExperimentId id) {
        return new ExperimentInfo(new ExperimentInfo.SlidingWindowsDefinition(4, null, ExperimentInfo.BenchmarkType.CUMULATIVE),
                id, "experiment_", "window_", null, dir.resolve("experiments_data"));
    }

    @Test
    void defaultIdIsZeroWithoutAnExperimentsFolder() {
        assertEquals(ExperimentId.of(0), ExperimentLayout.resolveId(info(null), Map.of()));
    }

    @Test
    void defaultIdIncrementsThePreviousHighestNumber() throws IOException {
        Path data = dir.resolve("experiments_data");
        for (String name : List.of("experiment_0", "experiment_3", "experiment_abc", "experiment_7_re_evaluation", "other_9")) {
            Files.createDirectories(data.resolve(name));
        }
        Files.writeString(data.resolve("experiment_12"), "a file, not a folder");
        assertEquals(ExperimentId.of(4), ExperimentLayout.resolveId(info(null), Map.of()));
    }

    @Test
    void explicitIdWinsOverSlurmAndFolders() {
        var env = Map.of("SLURM_NTASKS", "1", "SLURM_JOB_ID", "555");
        assertEquals(ExperimentId.of("my_run"), ExperimentLayout.resolveId(info(ExperimentId.of("my_run")), env));
    }

    @Test
    void slurmBatchJobUsesTheJobId() {
        var env = Map.of("SLURM_NTASKS", "4", "SLURM_JOB_ID", "123456", "SLURM_JOB_NAME", "train");
        assertEquals(ExperimentId.of("123456"), ExperimentLayout.resolveId(info(null), env));
    }

    @Test
    void slurmArrayJobUsesArrayJobAndTaskIds() {
        var env = Map.of("SLURM_NTASKS", "1", "SLURM_JOB_ID", "124", "SLURM_ARRAY_JOB_ID", "120", "SLURM_ARRAY_TASK_ID", "4");
        assertEquals(ExperimentId.of("120_4"), ExperimentLayout.resolveId(info(null), env));
    }

    @Test
    void interactiveSlurmShellIsNotAJob() {
        var env = Map.of("SLURM_NTASKS", "1", "SLURM_JOB_ID", "77", "SLURM_JOB_NAME", "bash");
        assertEquals(ExperimentId.of(0), ExperimentLayout.resolveId(info(null), env));
        assertEquals(ExperimentId.of(0), ExperimentLayout.resolveId(info(null), Map.of("SLURM_JOB_ID", "77")));
    }

    @Test
    void foldersFollowTheOriginalLayout() {
        var layout = ExperimentLayout.of(info(null), ExperimentId.of(5));
        assertEquals(dir.resolve("experiments_data/experiment_5/window_2"), layout.windowFolder(2));
        assertEquals(dir.resolve("experiments_data/experiment_5/window_2/checkpoints"), layout.checkpointsFolder(2));
        assertEquals(Path.of("experiments_logs/RN50_clip_tune_resize/experiment_5/window_2"),
                layout.logFolder(Path.of("experiments_logs/RN50_clip_tune_resize"), 2));
    }

    private static void touch(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "");
    }

    @Test
    void freshExperimentTrainsWindowZeroFromTheBackbone() {
        var layout = ExperimentLayout.of(info(null), ExperimentId.of(0));
        assertEquals(new ExperimentLayout.TrainingStep(0, Optional.empty(), Optional.empty()), layout.nextTrainingStep(null));
    }

    @Test
    void doneWindowMovesToTheNextWithItsLatestCheckpointAsBaseWeights() throws IOException {
        var layout = ExperimentLayout.of(info(null), ExperimentId.of(0));
        layout.createWindow(0);
        touch(layout.checkpointsFolder(0).resolve("epoch=0-step=90.ckpt"));
        touch(layout.checkpointsFolder(0).resolve("epoch=0-step=100.ckpt"));
        layout.markDone(0, 0, 100);
        var step = layout.nextTrainingStep(null);
        assertEquals(1, step.window());
        assertEquals(Optional.of(layout.checkpointsFolder(0).resolve("epoch=0-step=100.ckpt")), step.baseWeights(),
                "the highest step wins, not the file order");
        assertEquals(Optional.empty(), step.resumeFrom());
    }

    @Test
    void interruptedWindowWithACheckpointResumesFromIt() throws IOException {
        var layout = ExperimentLayout.of(info(null), ExperimentId.of(0));
        layout.createWindow(0);
        layout.markDone(0, 0, 100);
        touch(layout.checkpointsFolder(0).resolve("epoch=0-step=100.ckpt"));
        layout.createWindow(1);
        touch(layout.checkpointsFolder(1).resolve("epoch=0-step=40.ckpt"));
        var step = layout.nextTrainingStep(null);
        assertEquals(1, step.window());
        assertEquals(Optional.of(layout.checkpointsFolder(1).resolve("epoch=0-step=40.ckpt")), step.resumeFrom());
    }

    @Test
    void interruptedWindowWithoutCheckpointRestartsFromThePreviousWindow() throws IOException {
        var layout = ExperimentLayout.of(info(null), ExperimentId.of(0));
        layout.createWindow(0);
        touch(layout.checkpointsFolder(0).resolve("epoch=0-step=100.ckpt"));
        layout.markDone(0, 0, 100);
        layout.createWindow(1);
        var step = layout.nextTrainingStep(null);
        assertEquals(new ExperimentLayout.TrainingStep(1, Optional.empty(),
                Optional.of(layout.checkpointsFolder(0).resolve("epoch=0-step=100.ckpt"))), step);
    }

    @Test
    void doneWindowWithoutCheckpointIsAClearError() {
        var layout = ExperimentLayout.of(info(null), ExperimentId.of(0));
        layout.createWindow(0);
        layout.markDone(0, 0, 10);
        var e = assertThrows(UserError.class, () -> layout.nextTrainingStep(null));
        assertTrue(e.getMessage().contains("is marked done but holds no checkpoint"), e.getMessage());
    }

    @Test
    void markDoneWritesStepTrackerAndDoneAndTheNextWindowReadsTheOffset() throws IOException {
        var layout = ExperimentLayout.of(info(null), ExperimentId.of(0));
        layout.createWindow(0);
        layout.markDone(0, 0, 250);
        assertEquals("250", Files.readString(layout.windowFolder(0).resolve("step_tracker")));
        assertTrue(layout.isDone(0));
        assertEquals(0, layout.loggingInitialStep(0));
        assertEquals(250, layout.loggingInitialStep(1));
    }

    @Test
    void mergedConfigIsSavedBesideTheWindowAndReplacedOnRerun() throws IOException {
        var layout = ExperimentLayout.of(info(null), ExperimentId.of(0));
        layout.createWindow(0);
        layout.saveConfig(0, "fit", "trainer:\n  max_epochs: 1\n");
        Path saved = layout.saveConfig(0, "fit", "trainer:\n  max_epochs: 2\n");
        assertEquals(layout.windowFolder(0).resolve("fit_config.yaml"), saved);
        assertEquals("trainer:\n  max_epochs: 2\n", Files.readString(saved));
        try (var files = Files.list(layout.windowFolder(0))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file is left behind");
        }
    }

    @Test
    void evaluationCoversContiguousCompletedWindowsOnly() {
        var layout = ExperimentLayout.of(info(null), ExperimentId.of(0));
        for (int k : new int[] {0, 1, 3}) {
            layout.createWindow(k);
            layout.markDone(k, 0, 1);
        }
        var e = assertThrows(UserError.class, layout::completedWindows);
        assertTrue(e.getMessage().contains("not contiguous"), e.getMessage());
        layout.createWindow(2);
        layout.markDone(2, 0, 1);
        assertEquals(List.of(0, 1, 2, 3), layout.completedWindows());
    }

    @Test
    void experimentParametersReloadAsAConfigLayerThatPinsTheWindowAndLoggers() throws IOException {
        Path model = dir.resolve("model.yaml");
        Files.writeString(model, """
                model:
                  class_path: algorithms.BaseDeepfakeDetectionModel
                  init_args:
                    model_name: RN50_probe
                    optimizer: {class_path: torch.optim.SGD}
                trainer:
                  logger:
                    - class_path: lightning.pytorch.loggers.TensorBoardLogger
                      init_args: {save_dir: ./experiments_logs/RN50}
                experiment_info:
                  sliding_windows_definition: {n_generators_per_window: 4, benchmark_type: cumulative}
                """);
        var first = ConfigLoader.load(List.of(new ConfigArgument.File(model)), false).config();
        var layout = ExperimentLayout.of(info(null), ExperimentId.of(3));
        layout.createWindow(2);
        Path params = layout.saveExperimentParameters(2, 480, first.trainer().logger());
        var resumed = ConfigLoader.load(List.of(new ConfigArgument.File(model), new ConfigArgument.File(params)), false).config();
        assertEquals(2, resumed.experimentInfo().slidingWindowsDefinition().currentWindow());
        assertEquals(ExperimentId.of(3), resumed.experimentInfo().experimentId());
        assertEquals(480, resumed.experimentInfo().loggingInitialStep());
        assertEquals(layout.checkpointsFolder(2), resumed.checkpointCallback().dirpath());
        var tb = (LoggerConfig.TensorBoard) resumed.trainer().logger().getFirst();
        assertEquals("experiment_3", tb.name());
        assertEquals("window_2", tb.version());
        assertEquals(Path.of("./experiments_logs/RN50"), tb.saveDir());
    }
}
