package dev.genbench.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.genbench.engine.Autograd;
import dev.genbench.engine.DType;
import dev.genbench.engine.Fixture;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.TensorScope;
import dev.genbench.engine.cpu.CpuBackend;
import dev.genbench.engine.graph.TrainableGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole-model parity with real torchvision models at 64x64 (the ResNet-18/50 and
 * MobileNetV2): this test runs src/test/python/make_torchvision_fixtures.py with Debian's
 * python3-torch to export the model and its reference values into a temporary folder (the models
 * are too large to keep in the repository), then imports the ONNX file, runs one training-mode
 * forward and backward and compares logits, loss, every parameter's whole gradient (relative L2
 * error to 1e-4) and eval-mode logits with torch in float64. Where training-mode batch norm makes a value ill-conditioned, the bound
 * is instead twice the distance of torch's own float32 result from float64 (recorded by the
 * script; see it for numbers): the engine must be as exact as torch, and 1e-4-exact where torch is.
 * Tagged slow; skipped, saying why, where torch is missing.
 */
@Tag("slow")
class TorchvisionParityTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet50", "mobilenet_v2"})
    void torchvisionModelMatchesTorch(String model, @TempDir Path dir) throws Exception {
        assumeTrue(torchAvailable(), "Debian's python3-torch and python3-torchvision are needed to make the reference (apt-get install python3-torchvision)");
        Path script = Path.of("src/test/python/make_torchvision_fixtures.py").toAbsolutePath();
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), dir.toString(), model).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.MINUTES) && p.exitValue() == 0, "fixture script failed:\n" + log);
        Fixture f = Fixture.fromFile(dir.resolve(model + ".txt"));
        try (CpuBackend cpu = CpuBackend.create(); TrainableGraph g = OnnxImporter.load(dir.resolve(model + ".onnx"), cpu);
             TensorScope s = TensorScope.open()) {
            for (var b : g.buffers().entrySet()) {
                b.getValue().copyFrom(f.get("buffer." + b.getKey()).values());
            }
            Tensor x = f.tensor(cpu, DType.FP32, "x");
            Tensor y = f.tensor(cpu, DType.FP32, "y");
            Tensor logits = g.forward(Map.of("x", x)).get("logits");
            compareWithin(model + " train logits", f.get("train.logits").values(), logits.toDoubles(), 2 * f.scalar("torcherr.train.logits"));
            Tensor loss = Ops.bceWithLogits(Ops.reshape(logits, y.shape()), y, true);
            assertEquals(f.scalar("train.loss"), loss.item(), Math.max(1e-4 * Math.abs(f.scalar("train.loss")), 2 * f.scalar("torcherr.train.logits")), model + " loss");
            Autograd.backwardAndFree(loss, logits);
            java.nio.DoubleBuffer ref;
            try (var ch = java.nio.channels.FileChannel.open(dir.resolve(model + ".grads.bin"))) {
                ref = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
            }
            StringBuilder worst = new StringBuilder();
            String headBias = null;
            for (String n : g.parameters().keySet()) {
                headBias = n;
            }
            for (var e : g.parameters().entrySet()) {
                String n = e.getKey();
                double[] grad = e.getValue().grad().toDoubles();
                int off = (int) f.scalar("gradoffset." + n);
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < grad.length; i++) {
                    double r = ref.get(off + i);
                    diff += (grad[i] - r) * (grad[i] - r);
                    norm += r * r;
                }
                double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
                double torchRel = f.scalar("torcherr.grad." + n);
                double allowed = Math.max(1e-4, 2 * torchRel);
                if (n.equals(headBias) && grad.length == 1) {
                    // The head's bias gradient is mean(sigmoid(z) - y) over the batch: it carries the
                    // logits' own float32 error, |d sigmoid/dz| <= 1/4 times |dz|, already held to twice
                    // torch's above; with two images whose terms nearly cancel, that is ~1e-4 relative.
                    allowed = Math.max(allowed, 0.25 * 2 * f.scalar("torcherr.train.logits") / Math.max(Math.sqrt(norm), 1e-30));
                }
                if (rel > allowed) {
                    fail(model + " gradient of " + n + ": relative L2 error " + rel + " against float64, torch float32's is " + torchRel);
                }
                if (rel > 1e-4) {
                    worst.append(String.format("%n  %s: engine %.2e, torch float32 %.2e", n, rel, torchRel));
                }
            }
            if (!worst.isEmpty()) {
                System.out.println(model + ": gradients past 1e-4 relative, where torch float32 is as far or farther:" + worst);
            }
            g.mode(TrainableGraph.Mode.EVAL);
            compareWithin(model + " eval logits", f.get("eval.logits").values(), g.forward(Map.of("x", x)).get("logits").toDoubles(),
                    2 * f.scalar("torcherr.eval.logits"));
        }
    }

    private static void compareWithin(String what, double[] expected, double[] got, double torchError) {
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        double tol = Math.max(1e-4 * Math.max(scale, 1e-3), torchError);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - got[i]) <= tol)) {
                fail(what + "[" + i + "]: engine " + got[i] + ", torch float64 " + expected[i] + " (tolerance " + tol + ")");
            }
        }
    }

    private static boolean torchAvailable() throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, torchvision").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
    }
}
