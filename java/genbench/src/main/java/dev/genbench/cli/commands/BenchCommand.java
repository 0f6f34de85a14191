package dev.genbench.cli.commands;

import dev.genbench.image.ImageBench;
import dev.genbench.image.LoaderSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
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
            "features (preprocess + the --model backbone on ONNX Runtime, the loader working ahead of the backbone)."
        },
        footer = {"", "Side by side with the PIL + torchvision peer, alternating runs:",
            "  /usr/bin/python3 bench/run_image_bench.py --photos DIR --stage preprocess --threads 2 --runs 5",
            "  /usr/bin/python3 bench/run_image_bench.py --photos DIR --stage features --model resnet50 --threads 2 --runs 5"})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--stage", defaultValue = "preprocess",
            description = "decode, preprocess, train or features (default: ${DEFAULT-VALUE}).")
    Stage stage;

    /** The image stages of {@link ImageBench}, and {@code features}: those and the backbone ({@code FeatureBench}). */
    enum Stage { DECODE, PREPROCESS, TRAIN, FEATURES }

    @Option(names = "--photos", required = true, paramLabel = "DIR", description = "A folder of .jpg/.png/.webp photos.")
    Path photos;

    @Option(names = "--threads", description = "Loader workers (default: all cores).")
    Integer threads;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--warmup", defaultValue = "64", description = "Images processed before timing starts (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = {"--images", "--iters"}, defaultValue = "256",
            description = "Images timed after the warm-up; photos are reused in turn (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--model", paramLabel = "CARD|ONNX|NAME",
            description = "For --stage features: a model card (.yaml), an ONNX file with its card beside it, or a name in models/onnx.")
    String model;

    @Option(names = "--intra-op-threads", description = "For --stage features: ONNX Runtime's threads inside an operator"
            + " (default: as --threads).")
    Integer intraOpThreads;

    @Option(names = "--spin-wait", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "For --stage features: let idle ONNX Runtime threads spin (faster only when they have the cores to"
            + " themselves; default: ${DEFAULT-VALUE}).")
    boolean spinWait;

    @Option(names = "--json", description = "Print one JSON object (for scripts) instead of a readable summary.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        int workers = threads != null ? threads : LoaderSettings.allCores();
        if (stage == Stage.FEATURES) {
            return features(workers);
        }
        var result = ImageBench.run(new ImageBench.Settings(ImageBench.Stage.valueOf(stage.name()), photos, workers, batch, warmup,
                images));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ImageBench.json(result));
        } else {
            out.printf(java.util.Locale.ROOT, "%s: %.1f images/s on %d workers (%d images in %.2f s after %d warm-up images)%n",
                    stage.name().toLowerCase(java.util.Locale.ROOT), result.imagesPerSecond(), workers, result.images(),
                    result.seconds(), warmup);
            out.printf(java.util.Locale.ROOT, "batch of %d: p50 %.1f ms, p95 %.1f ms; peak RSS %.0f MB, heap in use %.0f MB%n",
                    batch, result.batchMsP50(), result.batchMsP95(), result.peakRssMb(), result.heapUsedMb());
            out.println("where the time goes (ms per image, one worker):");
            result.msPerImageByStep().forEach((step, ms) -> out.printf(java.util.Locale.ROOT, "  %-28s %8.2f%n", step, ms));
            ImageBench.machineSummary().forEach((k, v) -> out.printf("%s: %s%n", k, v));
        }
        out.flush();
        return 0;
    }

    private int features(int workers) {
        if (model == null) {
            throw new dev.genbench.console.UserError("--stage features needs --model (a model card, an ONNX file with its card,"
                    + " or a name in models/onnx)");
        }
        var options = dev.genbench.models.OrtBackbone.Options.defaults()
                .withThreads(intraOpThreads != null ? intraOpThreads : workers, 1).withSpinWait(spinWait);
        var result = dev.genbench.models.FeatureBench.run(new dev.genbench.models.FeatureBench.Settings(model,
                dev.genbench.cli.Workspace.modelsFolder(), photos, workers, options, batch, warmup, images));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(result.toJson());
        } else {
            var t = result.timing();
            out.printf(java.util.Locale.ROOT, "features (%s, %d-d): %.1f images/s, %d loader workers, %d ONNX Runtime threads"
                    + " (%d images in %.2f s after %d warm-up images)%n", result.model(), result.featureWidth(), t.imagesPerSecond(),
                    workers, options.intraOpThreads(), t.images(), t.seconds(), warmup);
            out.printf(java.util.Locale.ROOT, "batch of %d: p50 %.1f ms, p95 %.1f ms; peak RSS %.0f MB%n", batch, t.batchMsP50(),
                    t.batchMsP95(), t.peakRssMb());
            t.msPerImageByStep().forEach((step, ms) -> out.printf(java.util.Locale.ROOT, "  %-40s %8.2f ms/image%n", step, ms));
        }
        out.flush();
        return 0;
    }
}
