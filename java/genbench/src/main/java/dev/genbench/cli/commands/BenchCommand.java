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
 * side by side with the PIL + torchvision peer and records both in {@code bench/results/};
 * {@code bench/run_train_step_bench.py} does the same for the train-step stage with a PyTorch peer.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure one stage of the pipeline: image stages on a folder of photos, the backbone, the feature cache,",
            "the probe head, or the engine's training step.",
            "Reports images/s (head: seconds per epoch), batch p50/p95, peak memory and the machine",
            "(one JSON object with --json); the warm-up is excluded.",
            "Stages: decode (decode only), preprocess (decode + mandatory evaluation preprocessing + resize + normalise",
            "into batches), train (decode + training preprocessing and augmentations into batches),",
            "backbone (the --model backbone alone on ONNX Runtime, one preprocessed batch of --photos or --tensors run",
            "again and again; --warmup and --iters count batches),",
            "cache (the feature-caching path end to end: decode + mandatory preprocessing + the --model backbone into a",
            "new fp16 feature cache, then the head's epoch; and a second pass over the cached rows; reports images/s,",
            "peak heap and the cached epoch's speed-up; features is a deprecated name for it),",
            "head (one probe-head epoch, SGD + OneCycleLR on the engine, over --rows synthetic --width-d features in a",
            "feature cache on disk; --warmup counts epochs),",
            "train-step (the engine's training step of --model on the CPU: forward in train mode, BCE loss, backward,",
            "SGD with momentum 0.9; --warmup and --iters count steps; no --photos)."
        },
        footer = {"", "Side by side with the PIL + torchvision peer, alternating runs:",
            "  /usr/bin/python3 bench/run_image_bench.py --photos DIR --stage preprocess --threads 2 --runs 5",
            "Side by side with the PyTorch peers (backbone, cache, head):",
            "  /usr/bin/python3 bench/run_probe_bench.py --stage cache --model resnet50 --photos DIR --threads 2 --runs 3",
            "  /usr/bin/python3 bench/run_probe_bench.py --stage head --threads 2 --runs 3",
            "  /usr/bin/python3 bench/run_train_step_bench.py --model resnet50 --threads 2 --runs 5"})
public final class BenchCommand implements Callable<Integer> {

    static final String TRAIN_STEP = "train-step";
    static final String BACKBONE = "backbone";
    static final String CACHE = "cache";
    static final String HEAD = "head";
    /** The cache stage's former name, kept so that older scripts run; it says so on stderr. */
    static final String FEATURES = "features";
    static final String STAGES = "decode, preprocess, train, backbone, cache, head or train-step";

    @Option(names = "--stage", defaultValue = "preprocess", description = STAGES + " (default: ${DEFAULT-VALUE}).")
    String stage;

    @Option(names = "--photos", paramLabel = "DIR", description = "A folder of .jpg/.png/.webp photos (image stages).")
    Path photos;

    @Option(names = "--threads", description = "Loader workers and ONNX Runtime's threads, or the engine's threads for head and"
            + " train-step (default: all cores).")
    Integer threads;

    @Option(names = "--batch", description = "Batch size (default: 32 images, 16 for train-step, 512 rows for head).")
    Integer batch;

    @Option(names = "--warmup", description = "Images (backbone: batches, head: epochs, train-step: steps) run before timing"
            + " starts (default: 64 images, 2 batches, 1 epoch, 10 steps: the engine's Java kernels reach steady state only"
            + " after C2 has compiled them, about 8 training steps).")
    Integer warmup;

    @Option(names = {"--images", "--iters"},
            description = "Images (backbone: batches, train-step: steps) timed after the warm-up; photos are reused in turn"
            + " (default: 256 images, 10 batches, 10 steps).")
    Integer images;

    @Option(names = "--model", defaultValue = "resnet50",
            description = "train-step: resnet50 or mobilenetv2, read from models/onnx/trainstep_MODEL.onnx; backbone and cache:"
            + " a model card (.yaml), an ONNX file with its card beside it, or a name in models/onnx (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--onnx", paramLabel = "FILE", description = "train-step: the ONNX graph to train instead of --model's.")
    Path onnx;

    @Option(names = "--size", defaultValue = "224", description = "train-step: image height and width (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--profile", description = "train-step: also print milliseconds per op kind over the timed steps.")
    boolean profile;

    @Option(names = "--tensors", paramLabel = "FILE", description = "backbone: an .npz file whose float32 array 'pixels' is the"
            + " batch to run; read when it exists, else written from the --photos batch (so a peer can run the same tensors).")
    Path tensors;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "cache: where the temporary feature caches go (deleted after);"
            + " head: where the synthetic feature cache is kept and reused (default: a temporary folder, deleted after).")
    Path cacheDir;

    @Option(names = "--rows", defaultValue = "1000000", description = "head: cached feature rows (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--width", defaultValue = "1280", description = "head: features per row (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--intra-op-threads", description = "backbone and cache: ONNX Runtime's threads inside an operator"
            + " (default: as --threads).")
    Integer intraOpThreads;

    @Option(names = "--spin-wait", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "backbone and cache: let idle ONNX Runtime threads spin (faster only when they have the cores to"
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
            dev.genbench.console.Log.warn("--stage features is now called --stage cache (it also writes the feature cache);"
                    + " running cache");
            stage = CACHE;
        }
        switch (stage) {
            case BACKBONE -> {
                return backbone();
            }
            case CACHE -> {
                return cache();
            }
            case HEAD -> {
                return head();
            }
            default -> { }
        }
        ImageBench.Stage imageStage;
        try {
            imageStage = ImageBench.Stage.valueOf(stage.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--stage " + stage + " is not a stage; use " + STAGES + ".");
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

    private int backbone() {
        int workers = threads != null ? threads : LoaderSettings.allCores();
        var options = dev.genbench.models.OrtBackbone.Options.defaults()
                .withThreads(intraOpThreads != null ? intraOpThreads : workers, 1).withSpinWait(spinWait);
        var result = dev.genbench.models.BackboneBench.run(new dev.genbench.models.BackboneBench.Settings(model,
                dev.genbench.cli.Workspace.modelsFolder(), photos, tensors, options, batch != null ? batch : 32,
                warmup != null ? warmup : 2, images != null ? images : 10));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(result.toJson());
        } else {
            var t = result.timing();
            out.printf(Locale.ROOT, "backbone (%s, %d-d): %.1f images/s, %d ONNX Runtime threads (%d batches of %d after %d"
                    + " warm-up batches)%n", result.model(), result.featureWidth(), t.imagesPerSecond(), options.intraOpThreads(),
                    t.images() / result.batchSize(), result.batchSize(), warmup != null ? warmup : 2);
            out.printf(Locale.ROOT, "batch latency: p50 %.1f ms, p95 %.1f ms; peak RSS %.0f MB%n", t.batchMsP50(), t.batchMsP95(),
                    t.peakRssMb());
        }
        out.flush();
        return 0;
    }

    private int cache() {
        if (photos == null) {
            throw new UserError("--stage cache needs --photos DIR, a folder of .jpg/.png/.webp photos.");
        }
        int workers = threads != null ? threads : LoaderSettings.allCores();
        engineThreads(workers); // the head's epoch
        var options = dev.genbench.models.OrtBackbone.Options.defaults()
                .withThreads(intraOpThreads != null ? intraOpThreads : workers, 1).withSpinWait(spinWait);
        int warmupImages = warmup != null ? warmup : 64;
        var result = dev.genbench.train.CacheBench.run(new dev.genbench.train.CacheBench.Settings(model,
                dev.genbench.cli.Workspace.modelsFolder(), photos, workers, options, batch != null ? batch : 32, warmupImages,
                images != null ? images : 256, cacheDir != null ? cacheDir : Path.of(System.getProperty("java.io.tmpdir"))));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(result.toJson());
        } else {
            var t = result.firstPass();
            out.printf(Locale.ROOT, "cache (%s, %d-d): %.1f images/s into the feature cache, %d loader workers, %d ONNX Runtime"
                    + " threads (%d images in %.2f s after %d warm-up images)%n", result.model(), result.featureWidth(),
                    t.imagesPerSecond(), workers, options.intraOpThreads(), t.images(), t.seconds(), warmupImages);
            out.printf(Locale.ROOT, "first epoch %.2f s (head %.3f s), cached epoch %.3f s: %.0fx faster; peak heap %.0f MB,"
                    + " peak RSS %.0f MB%n", t.seconds() + result.firstHeadSeconds(), result.firstHeadSeconds(),
                    result.cachedPassSeconds(), result.cachedEpochSpeedup(), result.peakHeapMb(), t.peakRssMb());
        }
        out.flush();
        return 0;
    }

    private int head() {
        engineThreads(threads);
        var result = dev.genbench.train.HeadBench.run(new dev.genbench.train.HeadBench.Settings(rows, width,
                batch != null ? batch : 512, warmup != null ? warmup : 1, cacheDir));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            String body = result.toJson();
            out.println(ImageBench.withMachine(body.substring(0, body.length() - 1)
                    + String.format(Locale.ROOT, ", \"peak_rss_mb\": %.1f}", ImageBench.peakRssMb())));
        } else {
            out.printf(Locale.ROOT, "head: one epoch over %d cached %d-d fp16 features in %.2f s (%.0f rows/s, %d steps of %d)"
                    + " on %d engine threads%s%n", result.rows(), result.width(), result.epochSeconds(), result.rowsPerSecond(),
                    result.steps(), result.batchSize(), result.engineThreads(),
                    result.fillSeconds() > 0 ? String.format(Locale.ROOT, "; cache filled in %.1f s", result.fillSeconds())
                            : "; cache reused");
        }
        out.flush();
        return 0;
    }

    /** The engine reads its thread count once, when its pools start: before any engine class loads. */
    private static void engineThreads(Integer count) {
        if (count != null) {
            System.setProperty(dev.genbench.engine.cpu.Parallel.THREADS_PROPERTY, Integer.toString(count));
        }
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
        engineThreads(threads);
        var settings = new TrainStepBench.Settings(graph, batch != null ? batch : 16, size, warmup != null ? warmup : 10,
                images != null ? images : 10, 0.01, profile);
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
