package dev.genbench.engine.bench;

import dev.genbench.engine.Autograd;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.TensorScope;
import dev.genbench.engine.cpu.CpuBackend;
import dev.genbench.engine.graph.TrainableGraph;
import dev.genbench.engine.onnx.OnnxImporter;
import dev.genbench.engine.optim.Optimizer;
import dev.genbench.engine.optim.Optimizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times one training step of an imported ONNX graph on the CPU backend: forward in train mode
 * (batch norm with batch statistics, running statistics updated), BCE-with-logits loss against
 * fixed labels, backward, SGD with momentum 0.9. The warm-up steps are excluded, because the first
 * steps create oneDNN primitives and touch fresh memory (research/ENGINE-ONEDNN.md). The graph must
 * take one image input [N, 3, H, W] and give one logit per image; bench/peer_torch_train_step.py
 * --export writes such a graph of the same torchvision model its PyTorch run trains.
 */
public final class TrainStepBench {

    private TrainStepBench() {}

    /**
     * @param model   the ONNX graph
     * @param batch   images per step
     * @param size    image height and width
     * @param warmup  steps run before timing
     * @param steps   timed steps
     * @param lr      SGD learning rate (momentum 0.9, as the peer)
     * @param profile also time every op kind over the timed steps
     */
    public record Settings(Path model, int batch, int size, int warmup, int steps, double lr, boolean profile) {
        public Settings {
            if (batch < 1 || size < 1 || warmup < 0 || steps < 1) {
                throw new IllegalArgumentException("batch, size and steps must be positive and warmup not negative");
            }
        }
    }

    /**
     * @param imagesPerSecond batch x steps / the timed steps' seconds
     * @param stepSeconds     each timed step
     * @param lastLoss        the last step's loss (finite when training works)
     * @param peakRssMb       the process's peak resident set (VmHWM), -1 where /proc is missing
     * @param profile         milliseconds per op kind over the timed steps, slowest first (empty unless asked)
     */
    public record Result(double imagesPerSecond, List<Double> stepSeconds, double lastLoss, double peakRssMb, String profile) {
        public Result {
            stepSeconds = List.copyOf(stepSeconds);
        }

        public String toJson() {
            StringBuilder steps = new StringBuilder();
            for (double s : stepSeconds) {
                steps.append(steps.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", s));
            }
            return String.format(Locale.ROOT, "{\"images_per_s\": %.3f, \"step_s\": [%s], \"last_loss\": %s, \"peak_rss_mb\": %.1f}",
                    imagesPerSecond, steps, Double.isFinite(lastLoss) ? Double.toString(lastLoss) : "null", peakRssMb);
        }
    }

    public static Result run(Settings s) throws IOException {
        try (CpuBackend cpu = CpuBackend.create(); TrainableGraph g = OnnxImporter.load(s.model(), cpu)) {
            if (g.inputNames().size() != 1 || g.outputNames().size() != 1) {
                throw new IllegalArgumentException(s.model() + " has inputs " + g.inputNames() + " and outputs " + g.outputNames()
                        + "; the train-step bench needs one image input and one logit output (bench/peer_torch_train_step.py --export writes one)");
            }
            String input = g.inputNames().getFirst();
            String output = g.outputNames().getFirst();
            SplittableRandom rnd = new SplittableRandom(1);
            float[] pixels = new float[s.batch() * 3 * s.size() * s.size()];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) rnd.nextGaussian();
            }
            float[] labels = new float[s.batch()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rnd.nextDouble() < 0.5 ? 1 : 0;
            }
            g.mode(TrainableGraph.Mode.TRAIN);
            try (Tensor x = Tensor.of(cpu, Shape.of(s.batch(), 3, s.size(), s.size()), pixels);
                 Tensor y = Tensor.of(cpu, Shape.of(s.batch()), labels);
                 Optimizer opt = Optimizers.create("torch.optim.SGD", Map.of("lr", s.lr(), "momentum", 0.9),
                         List.copyOf(g.parameters().values()))) {
                double loss = Double.NaN;
                for (int i = 0; i < s.warmup(); i++) {
                    loss = step(g, opt, input, output, x, y);
                }
                cpu.profile(s.profile());
                cpu.resetProfile();
                List<Double> times = new ArrayList<>();
                for (int i = 0; i < s.steps(); i++) {
                    long t0 = System.nanoTime();
                    loss = step(g, opt, input, output, x, y);
                    times.add((System.nanoTime() - t0) / 1e9);
                }
                cpu.profile(false);
                double total = times.stream().mapToDouble(Double::doubleValue).sum();
                return new Result(s.batch() * s.steps() / total, times, loss, peakRssMb(), s.profile() ? cpu.profileReport() : "");
            }
        }
    }

    private static double step(TrainableGraph g, Optimizer opt, String input, String output, Tensor x, Tensor y) {
        try (TensorScope _ = TensorScope.open()) {
            Tensor logits = g.forward(Map.of(input, x)).get(output);
            Tensor loss = Ops.bceWithLogits(Ops.reshape(logits, y.shape()), y, true);
            double value = loss.item();
            Autograd.backwardAndFree(loss);
            opt.step();
            opt.zeroGrad();
            return value;
        }
    }

    /** The process's peak resident set in MB (Linux VmHWM), or -1 where it cannot be read. */
    public static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: reported as unknown
        }
        return -1;
    }
}
