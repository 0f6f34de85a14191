package dev.genbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.genbench.cli.Main;
import dev.genbench.console.Log;
import dev.genbench.detector.DetectorMetadata;
import dev.genbench.engine.GradMode;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.TensorScope;
import dev.genbench.engine.cpu.CpuBackend;
import dev.genbench.engine.graph.TrainableGraph;
import dev.genbench.export.DetectorExport;
import dev.genbench.io.PredictionsFile;
import dev.genbench.io.TensorBoardEvents;
import dev.genbench.models.ModelCatalogue;
import dev.genbench.models.TunableDetector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code genbench fit} with a {@code _tune} model, end to end at a reduced size (16x16 images of the
 * small Arrow fixture, the tiny torch-made backbone): every window trained on images, validated,
 * checkpointed with every tensor by name, exported as {@code tuned.onnx} and marked done; window 1 starts
 * from window 0's weights; {@code validate} reproduces the predictions from the checkpoints.
 */
class TuneRunTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream previousLog;

    @BeforeEach
    void captureLog() {
        previousLog = Log.redirect(new PrintStream(log, true, StandardCharsets.UTF_8));
        System.setProperty("genbench.models", ProbeRunTest.MODELS.toString());
    }

    @AfterEach
    void restoreLog() {
        Log.redirect(previousLog);
        System.clearProperty("genbench.models");
    }

    private Path config() throws IOException {
        Path yaml = dir.resolve("tiny_tune.yaml");
        Files.writeString(yaml, """
                seed_everything: 7
                dataset_path: %s
                trainer:
                  logger:
                    - class_path: lightning.pytorch.loggers.TensorBoardLogger
                      init_args: {save_dir: %s}
                  max_epochs: 1
                  log_every_n_steps: 1
                  gradient_clip_val: 1
                  accumulate_grad_batches: 2
                data:
                  init_args:
                    train_batch_size: 4
                    eval_batch_size: 4
                    num_workers: 2
                    augmentation_factor: 2
                model:
                  class_path: algorithms.SoftTrainAugmentationsModel
                  init_args:
                    model_name: tiny_backbone_tune
                    optimizer: {class_path: torch.optim.SGD, init_args: {lr: 0.01, momentum: 0.9}}
                    model_input_size: 16
                experiment_info:
                  experiments_data_folder: %s
                  sliding_windows_definition: {n_generators_per_window: 2, benchmark_type: cumulative}
                """.formatted(ProbeRunTest.HF_SMALL, dir.resolve("logs"), dir.resolve("data")));
        return yaml;
    }

    private void command(String name, String... extra) throws IOException {
        String[] args = Stream.concat(Stream.of(name, "--config", config().toString()), Stream.of(extra)).toArray(String[]::new);
        var cli = Main.commandLine();
        var err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute(args), err + log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyWindowIsTunedValidatedCheckpointedAndExportedAndValidateReproducesIt() throws Exception {
        command("fit");
        Path experiment = dir.resolve("data/experiment_0");
        String printed = log.toString(StandardCharsets.UTF_8);
        for (int k = 0; k < 2; k++) {
            Path window = experiment.resolve("window_" + k);
            assertTrue(Files.exists(window.resolve("done")), "window " + k + " done");
            assertTrue(Files.exists(window.resolve("predictions_validate_all.npz")));
            // 12 samples x 2 replicas / batch 4 = 6 batches, 3 optimizer steps with accumulation 2; doubled in window 1.
            Path ckpt = window.resolve("checkpoints/epoch=0-step=" + 3 * (k + 1) + ".ckpt");
            assertTrue(Files.exists(ckpt), "window " + k + " checkpoint: " + printed);
            var state = ProbeCheckpoint.read(ckpt);
            assertEquals("tiny_backbone_tune", state.metadata().get("model_name"));
            assertTrue(state.parameters().containsKey("head.weight") && state.parameters().size() > 2,
                    "backbone and head tensors by name: " + state.parameters().keySet());
            assertTrue(Files.size(window.resolve(TuneRun.EXPORT_FILE)) > 0, "the window's detector is exported");
            Set<String> tags = new HashSet<>();
            try (var files = Files.list(dir.resolve("logs/experiment_0/window_" + k))) {
                for (Path f : files.toList()) {
                    TensorBoardEvents.readScalars(f).forEach(s -> tags.add(s.tag()));
                }
            }
            assertTrue(tags.containsAll(Set.of("train_loss_step", "train_loss_epoch", "immediate_future_validate_BinaryAUROC_epoch/all")),
                    tags.toString());
        }
        assertTrue(printed.contains("window 1: weights from " + experiment.resolve("window_0/checkpoints/epoch=0-step=3.ckpt")),
                "window 1 starts from window 0's weights: " + printed);
        assertTrue(printed.contains("next-period AUROC (mean over windows 0..0)"), printed);
        var w0 = ProbeCheckpoint.read(experiment.resolve("window_0/checkpoints/epoch=0-step=3.ckpt")).parameters();
        var w1 = ProbeCheckpoint.read(experiment.resolve("window_1/checkpoints/epoch=0-step=6.ckpt")).parameters();
        assertTrue(w0.keySet().stream().filter(n -> !n.startsWith("head.")).anyMatch(n -> !Arrays.equals(w0.get(n), w1.get(n))),
                "the backbone trains");

        exportedDetectorScoresAsTheEngine(experiment);

        Path window0 = experiment.resolve("window_0");
        var written = PredictionsFile.read(window0.resolve("predictions_validate_all.npz"));
        Files.delete(window0.resolve("predictions_validate_all.npz"));
        command("validate", "--experiment_info.experiment_id", "0");
        var again = PredictionsFile.read(window0.resolve("predictions_validate_all.npz"));
        assertArrayEquals(written.fusedIdentifiers(), again.fusedIdentifiers());
        float[] a = written.fusedScores();
        float[] b = again.fusedScores();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-6, "image " + i + ": eval mode from the checkpoint gives the fit's scores");
        }
    }

    @Test
    void aTunedWindowResumedFromAMidWindowCheckpointEndsWithTheSameModelAndPredictions() throws IOException {
        String[] settings = {"--trainer.max_epochs=2", "--checkpoint_callback.every_n_train_steps=2",
            "--experiment_info.sliding_windows_definition.current_window=0"};
        command("fit", settings);
        Path window0 = dir.resolve("data/experiment_0/window_0");
        // 6 batches and 3 optimizer steps an epoch; steps 2 and 4 checkpoint mid-window, step 6 ends the window.
        Path end = window0.resolve("checkpoints/epoch=1-step=6.ckpt");
        var whole = PredictionsFile.read(window0.resolve("predictions_validate_all.npz"));
        var wholeState = dev.genbench.io.StateFile.read(end);
        // Undo the end of window 0 as if the run had been killed after its step-4 checkpoint (epoch 1, batch 2).
        Files.delete(window0.resolve("done"));
        Files.delete(end);
        Files.delete(window0.resolve(TuneRun.EXPORT_FILE));
        try (var files = Files.list(window0)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("predictions_")).toList()) {
                Files.delete(f);
            }
        }
        var mid = dev.genbench.io.StateFile.read(window0.resolve("checkpoints/epoch=1-step=4.ckpt"));
        assertEquals(false, mid.metadata().get("training_complete"));
        assertTrue(mid.tensors().keySet().stream().anyMatch(n -> n.startsWith(TrainingState.OPTIMIZER) && !n.contains("head.")),
                "the backbone's optimizer state: " + mid.tensors().keySet());
        log.reset();
        String[] resume = Stream.concat(Stream.of(settings), Stream.of("--experiment_info.experiment_id", "0")).toArray(String[]::new);
        command("fit", resume);
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("window 0: resuming at epoch 1, batch 2 of 6, optimizer step 4"), printed);
        var resumed = PredictionsFile.read(window0.resolve("predictions_validate_all.npz"));
        assertArrayEquals(whole.fusedScores(), resumed.fusedScores());
        assertArrayEquals(whole.fusedLosses(), resumed.fusedLosses());
        var resumedState = dev.genbench.io.StateFile.read(end);
        assertEquals(wholeState.tensors().keySet(), resumedState.tensors().keySet());
        for (String name : wholeState.tensors().keySet()) {
            if (!name.equals(dev.genbench.io.StateFile.METADATA) && !name.equals(dev.genbench.io.StateFile.CHECKSUMS)) {
                assertArrayEquals(wholeState.floats(name), resumedState.floats(name), name + " (parameters and batch-norm buffers)");
            }
        }
        assertTrue(Files.exists(window0.resolve(TuneRun.EXPORT_FILE)));
    }

    /**
     * {@code genbench export} of the tuned experiment: ONNX Runtime on its detector.onnx gives the sigmoid of
     * the engine's eval-mode logits of the last window's checkpoint (the fine-tuned backbone, float32 features).
     */
    private void exportedDetectorScoresAsTheEngine(Path experiment) throws Exception {
        Path out = dir.resolve("export");
        var err = new StringWriter();
        var cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute("export", experiment.toString(), "--out", out.toString(), "--no-app-image"),
                err + log.toString(StandardCharsets.UTF_8));
        var model = ModelCatalogue.load(ProbeRunTest.MODELS).resolve("tiny_backbone_tune");
        var state = ProbeCheckpoint.read(experiment.resolve("window_1/checkpoints/epoch=0-step=6.ckpt")).parameters();
        var rnd = new java.util.Random(3);
        float[] pixels = new float[2 * 3 * 16 * 16];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = rnd.nextFloat() * 4 - 2;
        }
        float[] engine;
        try (CpuBackend cpu = CpuBackend.create(); TunableDetector d = TunableDetector.create(model, cpu,
                TunableDetector.standardizationOf(state), 0); TensorScope s = TensorScope.open(); var off = GradMode.off()) {
            d.load(state, "window 1");
            d.graph().mode(TrainableGraph.Mode.EVAL);
            engine = Ops.sigmoid(d.graph().forward(Map.of(d.inputName(), Tensor.of(cpu, Shape.of(2, 3, 16, 16), pixels)))
                    .get(TunableDetector.LOGIT)).toFloats();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(out.resolve(DetectorExport.ONNX).toString());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {2, 3, 16, 16});
                OrtSession.Result result = session.run(Map.of("pixel_values", x))) {
            float[] scores = (float[]) result.get(DetectorMetadata.OUTPUT).orElseThrow().getValue();
            for (int i = 0; i < engine.length; i++) {
                assertEquals(engine[i], scores[i], 1e-5, "crop " + i + ": exported tuned detector vs engine");
            }
        }
    }
}
