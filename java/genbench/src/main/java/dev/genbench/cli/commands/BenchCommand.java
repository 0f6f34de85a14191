package dev.genbench.cli.commands;

import dev.genbench.console.UserError;
import dev.genbench.engine.bench.TrainStepBench;
import dev.genbench.image.ImageBench;
import dev.genbench.image.LoaderSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code genbench bench}: measures one stage of the pipeline and prints one JSON object (images/s, batch
 * latency percentiles, time per step, peak memory, the machine). {@code bench/run_image_bench.py} runs it
 * side by side with the PIL + torchvision peer and records both in {@code bench/results/}.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure an image-pipeline stage on a folder of photos.",
            "Reports images/s, batch p50/p95, milliseconds per image for each step, peak memory and the machine",
            "(one JSON object with --json); the warm-up is excluded.",
            "Stages: decode (decode only), preprocess (decode + mandatory evaluation preprocessing + resize + normalise",
            "into batches), train (decode + training preprocessing and augmentations into batches),",
            "train-step (the engine's training step of --model on the CPU: forward in train mode, BCE loss, backward,",
            "SGD with momentum 0.9; --warmup and --iters count steps; no --photos),",
            "features (preprocess + the --model backbone on ONNX Runtime, the loader working ahead of the backbone)."
        },
        footer = {"", "Side by side with the PIL + torchvision peer, alternating runs:",
            "  /usr/bin/python3 bench/run_image_bench.py --photos DIR --stage preprocess --threads 2 --runs 5",
            "  /usr/bin/python3 bench/run_image_bench.py --photos DIR --stage features --model resnet50 --threads 2 --runs 5",
            "Side by side with the PyTorch peer (exports the ONNX graphs it needs first):",
            "  /usr/bin/python3 bench/run_train_step_bench.py --model resnet50 --threads 2 --runs 5"})
public final class BenchCommand implements Callable<Integer> {

    static final String TRAIN_STEP = "train-step";
    static final String FEATURES = "features";

    @Option(names = "--stage", defaultValue = "preprocess", description = "decode, preprocess, train, train-step or features"
            + " (default: ${DEFAULT-VALUE}).")
    String stage;

    @Option(names = "--photos", paramLabel = "DIR", description = "A folder of .jpg/.png/.webp photos (image stages).")
    Path photos;

    @Option(names = "--threads", description = "Loader workers, or the engine's threads for train-step (default: all cores).")
    Integer threads;

    @Option(names = "--batch", description = "Batch size (default: 32 images, 16 for train-step).")
    Integer batch;

    @Option(names = "--warmup", description = "Images (train-step: steps) run before timing starts (default: 64 images, 3 steps).")
    Integer warmup;

    @Option(names = {"--images", "--iters"},
            description = "Images (train-step: steps) timed after the warm-up; photos are reused in turn (default: 256 images, 5 steps).")
    Integer images;

    @Option(names = "--model", defaultValue = "resnet50",
            description = "train-step: resnet50 or mobilenetv2, read from models/onnx/trainstep_MODEL.onnx; features: a model card"
            + " (.yaml), an ONNX file with its card beside it, or a name in models/onnx (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--onnx", paramLabel = "FILE", description = "train-step: the ONNX graph to train instead of --model's.")
    Path onnx;

    @Option(names = "--size", defaultValue = "224", description = "train-step: image height and width (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--profile", description = "train-step: also print milliseconds per op kind over the timed steps.")
    boolean profile;

    @Option(names = "--intra-op-threads", description = "features: ONNX Runtime's threads inside an operator"
            + " (default: as --threads).")
    Integer intraOpThreads;

    @Option(names = "--spin-wait", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "features: let idle ONNX Runtime threads spin (faster only when they have the cores to"
            + " themselves; default: ${DEFAULT-VALUE}).")
    boolean spinWait;

    @Option(names = "--json", description = "Print one JSON object (for scripts) instead of a readable summary.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        if (stage.equals(TRAIN_STEP)) {
            return trainStep();
        }
        if (stage.equals(FEATURES)) {
            return features();
        }
        ImageBench.Stage imageStage;
        try {
            imageStage = ImageBench.Stage.valueOf(stage.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--stage " + stage + " is not a stage; use decode, preprocess, train, train-step or features.");
        }
        if (photos == null) {
            throw new UserError("--stage " + stage + " needs --photos DIR, a folder of .jpg/.png/.webp photos.");
        }
        int workers = threads != null ? threads : LoaderSettings.allCores();
        int batchSize = batch != null ? batch : 32;
        int warmupImages = warmup != null ? warmup : 64;
        var result = ImageBench.run(new ImageBench.Settings(imageStage, photos, workers, batchSize, warmupImages, images != null ? images : 256));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ImageBench.json(result));
        } else {
            out.printf(java.util.Locale.ROOT, "%s: %.1f images/s on %d workers (%d images in %.2f s after %d warm-up images)%n",
                    stage, result.imagesPerSecond(), workers, result.images(), result.seconds(), warmupImages);
            out.printf(java.util.Locale.ROOT, "batch of %d: p50 %.1f ms, p95 %.1f ms; peak RSS %.0f MB, heap in use %.0f MB%n",
                    batchSize, result.batchMsP50(), result.batchMsP95(), result.peakRssMb(), result.heapUsedMb());
            out.println("where the time goes (ms per image, one worker):");
            result.msPerImageByStep().forEach((step, ms) -> out.printf(java.util.Locale.ROOT, "  %-28s %8.2f%n", step, ms));
            ImageBench.machineSummary().forEach((k, v) -> out.printf("%s: %s%n", k, v));
        }
        out.flush();
        return 0;
    }

    private int features() {
        if (photos == null) {
            throw new UserError("--stage features needs --photos DIR, a folder of .jpg/.png/.webp photos.");
        }
        int workers = threads != null ? threads : LoaderSettings.allCores();
        int batchSize = batch != null ? batch : 32;
        int warmupImages = warmup != null ? warmup : 64;
        var options = dev.genbench.models.OrtBackbone.Options.defaults()
                .withThreads(intraOpThreads != null ? intraOpThreads : workers, 1).withSpinWait(spinWait);
        var result = dev.genbench.models.FeatureBench.run(new dev.genbench.models.FeatureBench.Settings(model,
                dev.genbench.cli.Workspace.modelsFolder(), photos, workers, options, batchSize, warmupImages,
                images != null ? images : 256));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(result.toJson());
        } else {
            var t = result.timing();
            out.printf(Locale.ROOT, "features (%s, %d-d): %.1f images/s, %d loader workers, %d ONNX Runtime threads"
                    + " (%d images in %.2f s after %d warm-up images)%n", result.model(), result.featureWidth(), t.imagesPerSecond(),
                    workers, options.intraOpThreads(), t.images(), t.seconds(), warmupImages);
            out.printf(Locale.ROOT, "batch of %d: p50 %.1f ms, p95 %.1f ms; peak RSS %.0f MB%n", batchSize, t.batchMsP50(),
                    t.batchMsP95(), t.peakRssMb());
            t.msPerImageByStep().forEach((step, ms) -> out.printf(Locale.ROOT, "  %-40s %8.2f ms/image%n", step, ms));
        }
        out.flush();
        return 0;
    }

    private int trainStep() throws java.io.IOException {
        Path graph = onnx != null ? onnx : Path.of("models", "onnx", "trainstep_" + model + ".onnx");
        if (onnx == null && !model.equals("resnet50") && !model.equals("mobilenetv2")) {
            throw new UserError("--model " + model + " is not a train-step model; use resnet50 or mobilenetv2, or give --onnx FILE.");
        }
        if (!Files.isRegularFile(graph)) {
            throw new UserError(graph + " is missing; write it with /usr/bin/python3 bench/peer_torch_train_step.py --model " + model
                    + " --export " + graph + " (or give --onnx FILE).");
        }
        if (threads != null) {
            // Read once, when the engine's thread pools start: this is before any engine class loads.
            System.setProperty(dev.genbench.engine.cpu.Parallel.THREADS_PROPERTY, Integer.toString(threads));
        }
        var settings = new TrainStepBench.Settings(graph, batch != null ? batch : 16, size, warmup != null ? warmup : 3,
                images != null ? images : 5, 0.01, profile);
        TrainStepBench.Result r = TrainStepBench.run(settings);
        PrintWriter out = spec.commandLine().getOut();
        int usedThreads = dev.genbench.engine.cpu.Parallel.threads();
        if (json) {
            String body = r.toJson();
            out.println(body.substring(0, body.length() - 1) + String.format(Locale.ROOT,
                    ", \"model\": \"%s\", \"batch\": %d, \"size\": %d, \"threads\": %d, \"warmup_steps\": %d, \"steps\": %d}",
                    graph.getFileName().toString().replace("\"", "'"), settings.batch(), size, usedThreads, settings.warmup(), settings.steps()));
        } else {
            out.printf(Locale.ROOT, "train-step %s: %.2f images/s on %d threads (batch %d, %dx%d, %d steps after %d warm-up steps), loss %.4f%n",
                    graph.getFileName(), r.imagesPerSecond(), usedThreads, settings.batch(), size, size, settings.steps(), settings.warmup(), r.lastLoss());
            out.printf(Locale.ROOT, "step seconds: %s; peak RSS %.0f MB%n", r.stepSeconds(), r.peakRssMb());
            if (profile) {
                out.print(r.profile());
            }
            ImageBench.machineSummary().forEach((k, v) -> out.printf("%s: %s%n", k, v));
        }
        out.flush();
        return 0;
    }
}
