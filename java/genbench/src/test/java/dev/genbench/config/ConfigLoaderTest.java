package dev.genbench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    private static final String MODEL = """
            model:
              class_path: algorithms.BaseDeepfakeDetectionModel
              init_args:
                model_name: RN50_tune
                optimizer:
                  class_path: torch.optim.SGD
                  init_args:
                    lr: 0.001
                    momentum: 0.9
            """;

    private static LoadedConfig load(Object... layers) {
        List<ConfigArgument> args = new ArrayList<>();
        for (Object layer : layers) {
            if (layer instanceof Path p) {
                args.add(new ConfigArgument.File(p));
            } else {
                String s = (String) layer;
                int eq = s.indexOf('=');
                args.add(ConfigArgument.Override.of(s.substring(2, eq), s.substring(eq + 1)));
            }
        }
        return ConfigLoader.load(args, false);
    }

    @Test
    void laterConfigFilesOverrideEarlierOnesKeyByKey() throws IOException {
        Path a = write("a.yaml", MODEL + "trainer:\n  max_epochs: 1\n  accumulate_grad_batches: 8\n");
        Path b = write("b.yaml", "trainer:\n  max_epochs: 3\n");
        var c = load(a, b).config();
        assertEquals(3, c.trainer().maxEpochs());
        assertEquals(8, c.trainer().accumulateGradBatches(), "keys the later file does not name are kept");
        var reversed = load(b, a).config();
        assertEquals(1, reversed.trainer().maxEpochs());
    }

    @Test
    void dottedOverridesSetScalarsReplaceListsAndMergeMaps() throws IOException {
        Path a = write("a.yaml", MODEL + "trainer:\n  devices: [0, 1, 2]\n");
        var c = load(a,
                "--trainer.max_epochs=4",
                "--trainer.devices=[3]",
                "--model.init_args.optimizer.init_args={weight_decay: 0.01}",
                "--model.base_weights=weights/w.ckpt").config();
        assertEquals(4, c.trainer().maxEpochs());
        assertEquals(List.of(3L), c.trainer().devices().value(), "a list given on the command line replaces the list");
        var sgd = (OptimizerConfig.Sgd) c.model().optimizer();
        assertEquals(0.01, sgd.weightDecay());
        assertEquals(0.9, sgd.momentum(), "a mapping merges into the mapping that is there");
        assertEquals(Path.of("weights/w.ckpt"), c.model().baseWeights(), "init_args may be skipped, as in jsonargparse");
    }

    @Test
    void argumentsApplyInTheOrderWritten() throws IOException {
        Path a = write("a.yaml", MODEL + "trainer:\n  max_epochs: 2\n");
        assertEquals(5, load(a, "--trainer.max_epochs=5").config().trainer().maxEpochs());
        assertEquals(2, load("--trainer.max_epochs=5", a).config().trainer().maxEpochs(),
                "as in LightningCLI, a file given after an override wins");
    }

    @Test
    void listsInConfigFilesAreReplacedNotAppended() throws IOException {
        Path a = write("a.yaml", MODEL + """
                trainer:
                  callbacks:
                    - class_path: training_metrics.MetricsManager
                    - class_path: training_metrics.DeepFakePredictionsDump
                """);
        Path b = write("b.yaml", """
                trainer:
                  callbacks:
                    - class_path: training_metrics.MetricsManagerSlidingWindow
                      init_args: {compute_mechanism: past}
                """);
        var callbacks = load(a, b).config().trainer().callbacks();
        assertEquals(1, callbacks.size());
        assertEquals(CallbackConfig.ComputeMechanism.PAST, ((CallbackConfig.SlidingWindowMetrics) callbacks.getFirst()).computeMechanism());
    }

    @Test
    void modelConfigLoggerEntriesMergeIntoPipelineLoggersByPosition() throws IOException {
        Path pipeline = write("p.yaml", """
                trainer:
                  logger:
                    - class_path: lightning.pytorch.loggers.tensorboard.TensorBoardLogger
                    - class_path: lightning.pytorch.loggers.WandbLogger
                      init_args: {project: AIGenBench, save_dir: ./w}
                """);
        Path model = write("m.yaml", MODEL + """
                trainer:
                  logger:
                    - init_args: {save_dir: ./experiments_logs/RN50}
                    - init_args: {save_dir: ./experiments_logs/wandb_logs}
                """);
        var loggers = load(pipeline, model).config().trainer().logger();
        assertEquals(2, loggers.size());
        assertEquals(Path.of("./experiments_logs/RN50"), ((LoggerConfig.TensorBoard) loggers.get(0)).saveDir());
        var wandb = (LoggerConfig.Unsupported) loggers.get(1);
        assertEquals("./experiments_logs/wandb_logs", wandb.initArgs().get("save_dir"));
        assertEquals("AIGenBench", wandb.initArgs().get("project"));
    }

    @Test
    void unknownKeyNamesFileLineAndNearestValidKey() throws IOException {
        Path a = write("typo.yaml", MODEL + "trainer:\n  max_epoch: 2\n");
        var e = assertThrows(UserError.class, () -> load(a));
        assertEquals(a + ":11: unknown key 'trainer.max_epoch'; did you mean 'trainer.max_epochs'?", e.getMessage());
    }

    @Test
    void unknownKeyInsideInitArgsIsReportedWithItsFullPath() throws IOException {
        Path a = write("typo.yaml", MODEL.replace("model_name", "model_nam"));
        var e = assertThrows(UserError.class, () -> load(a));
        assertTrue(e.getMessage().contains(a + ":4: unknown key 'model.init_args.model_nam'; did you mean 'model.init_args.model_name'?"),
                e.getMessage());
    }

    @Test
    void unknownKeyFarFromAnyListsTheValidKeys() throws IOException {
        Path a = write("x.yaml", MODEL + "experiment_info:\n  zzzzzzzzzz: 1\n");
        var e = assertThrows(UserError.class, () -> load(a));
        assertTrue(e.getMessage().contains("valid keys here: experiment_id, experiment_name_prefix"), e.getMessage());
    }

    @Test
    void wrongTypeNamesFileLineAndExpectedType() throws IOException {
        Path a = write("types.yaml", MODEL + """
                data:
                  init_args:
                    train_batch_size: abc
                """);
        var e = assertThrows(UserError.class, () -> load(a));
        assertEquals(a + ":12: data.init_args.train_batch_size must be an integer, got 'abc'", e.getMessage());
    }

    @Test
    void wrongEnumValueListsTheValidOnesAndSuggests() throws IOException {
        Path a = write("enum.yaml", MODEL + "experiment_info:\n  sliding_windows_definition:\n    benchmark_type: cumulativ\n"
                + "    n_generators_per_window: 4\n");
        var e = assertThrows(UserError.class, () -> load(a));
        assertTrue(e.getMessage().startsWith(a + ":12: experiment_info.sliding_windows_definition.benchmark_type must be one of"
                + " cumulative, continual_learning, none, got 'cumulativ'; did you mean 'cumulative'?"), e.getMessage());
    }

    @Test
    void wrongTypeOnTheCommandLineNamesTheArgument() throws IOException {
        Path a = write("a.yaml", MODEL);
        var e = assertThrows(UserError.class, () -> load(a, "--trainer.max_epochs=[1, 2]"));
        assertEquals("command line (--trainer.max_epochs): trainer.max_epochs must be an integer, got a list of 2", e.getMessage());
    }

    @Test
    void missingConfigFileNamesThePath() {
        Path missing = dir.resolve("nope/local_config.yaml");
        var e = assertThrows(UserError.class, () -> load(missing));
        assertEquals("config file '" + missing + "' does not exist; check the path given to --config", e.getMessage());
    }

    @Test
    void invalidYamlNamesTheFile() throws IOException {
        Path a = write("bad.yaml", "trainer:\n  max_epochs: [1,\n");
        var e = assertThrows(UserError.class, () -> load(a));
        assertTrue(e.getMessage().startsWith(a + ": not valid YAML"), e.getMessage());
    }

    @Test
    void unimplementedClassPathWarnsOnceNamingTheKeyAndWhatHappensInstead() throws IOException {
        Path a = write("a.yaml", MODEL + """
                trainer:
                  logger:
                    - class_path: lightning.pytorch.loggers.TensorBoardLogger
                    - class_path: lightning.pytorch.loggers.WandbLogger
                      init_args: {project: AIGenBench}
                """);
        List<String> warnings = load(a).warnings();
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("trainer.logger[1]: lightning.pytorch.loggers.WandbLogger is not implemented in genbench-java;"
                + " this logger is ignored; metrics still go to the TensorBoard event files and to `genbench report`", warnings.getFirst());
    }

    @Test
    void unknownClassPathIsAnErrorSuggestingTheNearest() throws IOException {
        Path a = write("a.yaml", MODEL.replace("torch.optim.SGD", "torch.optim.SDG"));
        var e = assertThrows(UserError.class, () -> load(a));
        assertTrue(e.getMessage().contains("model.init_args.optimizer.class_path 'torch.optim.SDG' is not a class genbench knows;"
                + " did you mean 'torch.optim.SGD'?"), e.getMessage());
    }

    @Test
    void requiredKeysFailWhenRunningButNotWhenPrinting() throws IOException {
        Path a = write("a.yaml", "trainer:\n  max_epochs: 1\n");
        var e = assertThrows(UserError.class, () -> ConfigLoader.load(List.of(new ConfigArgument.File(a)), false));
        assertTrue(e.getMessage().startsWith("model is required"), e.getMessage());
        assertNull(ConfigLoader.load(List.of(new ConfigArgument.File(a)), true).config().model());
    }

    @Test
    void compactConstructorChecksNameFileAndRule() throws IOException {
        Path a = write("a.yaml", MODEL + "    scheduler: CosineAnnealingLR\n");
        var e = assertThrows(UserError.class, () -> load(a));
        assertTrue(e.getMessage().startsWith(a + ":1: model: scheduler must be \"OneCycleLR\""), e.getMessage());
    }

    @Test
    void printedConfigLoadsBackToTheSameConfig() throws IOException {
        Path a = write("a.yaml", MODEL + "seed_everything: 7\ntrainer:\n  devices: [0]\n  gradient_clip_val: 1\n"
                + "experiment_info:\n  experiment_id: run_a\n");
        LoadedConfig first = load(a);
        Path printed = write("printed.yaml", first.toYaml());
        LoadedConfig second = load(printed);
        assertEquals(first.config(), second.config());
        assertEquals(first.toYaml(), second.toYaml());
    }

    @Test
    void datasetPathLinkPrefersAnExistingFolder() throws IOException {
        Path real = Files.createDirectories(dir.resolve("ai_gen_bench"));
        Path a = write("a.yaml", MODEL + "data:\n  init_args:\n    dataset_loader:\n      class_path: "
                + "lightning_data_modules.datasets.AIGenBenchDatasetLoader\n      init_args:\n        dataset_path: " + real + "\n");
        assertEquals(real, load(a, "--dataset_path=/nonexistent/x").config().resolvedDatasetPath());
        assertEquals(Path.of("/nonexistent/x"), load(write("b.yaml", MODEL), "--dataset_path=/nonexistent/x").config().resolvedDatasetPath());
    }

    @Test
    void unknownKeyOnTheCommandLineNamesTheArgument() throws IOException {
        Path a = write("a.yaml", MODEL);
        var e = assertThrows(UserError.class, () -> load(a, "--trainer.max_epohcs=3"));
        assertEquals("command line (--trainer.max_epohcs): unknown key 'trainer.max_epohcs'; did you mean 'trainer.max_epochs'?",
                e.getMessage());
    }
}
