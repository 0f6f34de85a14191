package dev.genbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {

    static final Path REPO = Path.of("../..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void everyCommandClassIsFoundAndListedInHelp() {
        List<String> names = CommandCatalog.commands().stream()
                .map(c -> c.getAnnotation(CommandLine.Command.class).name()).toList();
        assertTrue(names.containsAll(List.of("fit", "validate", "test", "predict")), names.toString());
        Run help = run("--help");
        assertEquals(0, help.exitCode());
        for (String name : names) {
            assertTrue(help.out().contains("  " + name + " "), "help lists " + name + ":\n" + help.out());
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (Class<?> command : CommandCatalog.commands()) {
            String name = command.getAnnotation(CommandLine.Command.class).name();
            Run help = run(name, "--help");
            assertEquals(0, help.exitCode(), name);
            assertTrue(help.out().startsWith("Usage: genbench " + name), help.out());
        }
        Run fit = run("fit", "--help");
        assertTrue(fit.out().contains("--config=FILE") && fit.out().contains("--print_config"), fit.out());
    }

    @Test
    void versionNamesGenbenchAndJava() {
        Run v = run("--version");
        assertEquals(0, v.exitCode());
        assertTrue(v.out().startsWith("genbench "), v.out());
        assertTrue(v.out().contains("Java 25") || v.out().contains("Java 2") || v.out().contains("Java "), v.out());
    }

    @Test
    void printConfigPrintsTheMergedConfigWithOverridesInBothForms() {
        Run r = run("fit",
                "--config", REPO.resolve("configs/benchmark_pipelines/base_benchmark_sliding_windows.yaml").toString(),
                "--config=" + REPO.resolve("configs/RN50_clip/RN50_clip_tune_resize.yaml"),
                "--config", REPO.resolve("local_config.yaml").toString(),
                "--trainer.max_epochs", "3",
                "--data.init_args.num_workers=2",
                "--print_config");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("  max_epochs: 3\n"), r.out());
        assertTrue(r.out().contains("    num_workers: 2\n"), r.out());
        assertTrue(r.out().contains("    model_name: RN50_tune\n"), r.out());
        assertTrue(r.out().contains("dataset_path: datasets/mini_genbench\n"), r.out());
    }

    @Test
    void userErrorsPrintOneLineWithoutStackTraceAndExitTwo() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "trainer:\n  max_epoch: 1\n");
        Run r = run("fit", "--config", bad.toString(), "--print_config");
        assertEquals(2, r.exitCode());
        assertEquals("error: " + bad + ":2: unknown key 'trainer.max_epoch'; did you mean 'trainer.max_epochs'?\n", r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
    }

    @Test
    void overrideWithoutValueSaysHowToWriteIt() {
        Run r = run("fit", "--trainer.max_epochs", "--print_config");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--trainer.max_epochs needs a value: write --trainer.max_epochs=VALUE"), r.err());
    }

    @Test
    void fitOnAMissingDatasetNamesItAndWritesNothing() throws IOException {
        Path local = dir.resolve("local.yaml");
        Files.writeString(local, "experiment_info:\n  experiments_data_folder: " + dir.resolve("data") + "\n"
                + "model:\n  init_args:\n    model_name: tiny_backbone_probe\n");
        System.setProperty("genbench.models", Path.of("src/test/resources/dev/genbench/models").toAbsolutePath().toString());
        try {
            Run r = run("fit",
                    "--config", REPO.resolve("configs/mini_benchmark/mini_benchmark_sliding_windows.yaml").toString(),
                    "--config", REPO.resolve("configs/mini_benchmark/mobilenetv2_nsfw_probe_multicrop.yaml").toString(),
                    "--config", local.toString(), "--dataset_path", dir.resolve("no_such_dataset").toString());
            assertEquals(2, r.exitCode());
            assertTrue(r.err().contains(dir.resolve("no_such_dataset").toString()), r.err());
            assertFalse(Files.exists(dir.resolve("data/experiment_0")), "nothing is written for a run that cannot start");
        } finally {
            System.clearProperty("genbench.models");
        }
    }

    @Test
    void unknownOptionOfTheCommandItselfIsAUsageError() {
        Run r = run("nosuchcommand");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Unmatched argument") || r.err().contains("nosuchcommand"), r.err());
    }

    @Test
    void cudaAcceleratorIsRejectedWithAReasonInACpuOnlyBuild() {
        Run r = run("fit",
                "--config", REPO.resolve("configs/mini_benchmark/mini_benchmark_sliding_windows.yaml").toString(),
                "--config", REPO.resolve("configs/mini_benchmark/mobilenetv2_nsfw_probe_multicrop.yaml").toString(),
                "--trainer.accelerator=cuda");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("error: trainer.accelerator asks for a GPU, but this build of genbench has the CPU-only"
                + " ONNX Runtime (no CUDA execution provider for model 'mobilenetv2_nsfw_probe')"), r.err());
        assertTrue(r.err().contains("GENBENCH_MAVEN_PROFILES=cuda"), r.err());
    }

    static final Path HF_SMALL = Path.of("src/test/resources/dev/genbench/data/hf-small");

    @Test
    void datasetInfoShowsSplitsAndWindowsOfTheConfiguredDataset() {
        Run r = run("dataset", "info", "--dataset_path", HF_SMALL.toString(),
                "--experiment_info.sliding_windows_definition={n_generators_per_window: 2, benchmark_type: cumulative}");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("split train: 26 rows kept of 28; real 14, fake 12"), r.out());
        assertTrue(r.out().matches("(?s).*\\n0 +12 +6 +6 +4 +4 +GenA, GenB\\n1 +24 +12 +12 +4 +4 +GenC, GenD\\n.*"), r.out());
    }

    @Test
    void datasetInfoListsAWindowInProtocolOrderAndChecksTheWindow() {
        Run r = run("dataset", "info", "--dataset_path", HF_SMALL.toString(), "--window", "0", "--list", "train");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().split("\\n");
        assertEquals("index\tID\tfile_id\tgenerator\tpaired_generator", lines[0]);
        assertEquals(27, lines.length, "a header and the 26 kept train rows of the single full-training window");
        Run bad = run("dataset", "info", "--dataset_path", HF_SMALL.toString(), "--window", "5", "--list", "test");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--window 5 is outside the 1 windows"), bad.err());
    }

    @Test
    void datasetInfoWithoutADatasetSaysHowToSetOne() {
        Run r = run("dataset", "info");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("no dataset is configured; set dataset_path"), r.err());
    }

    @Test
    void evaluateScoresAnExperimentFolderAndPerWindowFilesAlike() throws IOException {
        Path experiment = dir.resolve("experiment_0");
        dev.genbench.evaluate.MiniExperiment.write(experiment, 3, 1);
        Run folder = run("evaluate", experiment.toString());
        assertEquals(0, folder.exitCode(), folder.err());
        assertTrue(folder.out().contains("immediate_future subset, validate predictions, threshold 0.500"), folder.out());
        List<String> files = new java.util.ArrayList<>();
        for (int k = 0; k < 3; k++) {
            files.add(experiment.resolve("window_" + k).resolve("predictions_validate_all.npz").toString());
        }
        List<String> args = new java.util.ArrayList<>(List.of("evaluate"));
        args.addAll(files);
        Run perFile = run(args.toArray(String[]::new));
        assertEquals(0, perFile.exitCode(), perFile.err());
        assertEquals(folder.out().substring(folder.out().indexOf('\n')), perFile.out().substring(perFile.out().indexOf('\n')),
                "the same numbers whichever way the files are given");
        Run growing = run("evaluate", "--mechanism", "growing", experiment.toString());
        assertTrue(growing.out().contains("growing subset"), growing.out());
        Run bad = run("evaluate", "--mechanism", "futur", experiment.toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().startsWith("error: --mechanism: unknown sliding-window mechanism 'futur'"), bad.err());
    }

    @Test
    void reportWritesSummariesAndTheHtmlPage() throws IOException {
        dev.genbench.evaluate.MiniExperiment.write(dir.resolve("experiment_0"), 3, 1);
        dev.genbench.evaluate.MiniExperiment.write(dir.resolve("experiment_1"), 3, 2);
        Run r = run("report", dir.resolve("experiment_0").toString(), dir.resolve("experiment_1").toString(),
                "--out", dir.resolve("report").toString());
        assertEquals(0, r.exitCode(), r.err());
        for (String f : List.of("summary.json", "summary.csv", "report.html", "leaderboard.md")) {
            assertTrue(Files.size(dir.resolve("report").resolve(f)) > 0, f);
        }
        assertTrue(Files.readString(dir.resolve("report/leaderboard.md")).contains("experiment_1"));
        Run missing = run("report", dir.resolve("nope").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }

    @Test
    void benchMeasuresAStageAndPrintsOneJsonObject() throws IOException {
        Path photos = Files.createDirectories(dir.resolve("photos"));
        try (var images = Files.list(Path.of("src/test/resources/dev/genbench/image/decode"))) {
            for (Path p : images.filter(p -> p.toString().endsWith(".jpg")).limit(3).toList()) {
                Files.copy(p, photos.resolve(p.getFileName()));
            }
        }
        Run r = run("bench", "--stage", "decode", "--photos", photos.toString(), "--threads", "1", "--images", "6",
                "--warmup", "2", "--batch", "2", "--json");
        assertEquals(0, r.exitCode(), r.err());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertEquals(6, json.get("images").asInt());
        assertTrue(json.get("images_per_s").asDouble() > 0);
        assertTrue(json.has("machine"));
        Run text = run("bench", "--stage", "preprocess", "--photos", photos.toString(), "--threads", "2", "--iters", "4",
                "--warmup", "2", "--batch", "2");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().startsWith("preprocess: ") && text.out().contains("where the time goes"), text.out());
    }
}
