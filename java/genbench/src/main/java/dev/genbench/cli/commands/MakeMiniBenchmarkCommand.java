package dev.genbench.cli.commands;

import dev.genbench.console.Log;
import dev.genbench.minibench.CueCheck;
import dev.genbench.minibench.MiniBenchmarkBuilder;
import dev.genbench.minibench.MiniBenchmarkOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genbench make-mini-benchmark}: builds (or reuses) the built-in mini benchmark, then runs its cue check. */
@Command(
        name = "make-mini-benchmark",
        mixinStandardHelpOptions = true,
        description = {
            "Build the built-in mini benchmark (real photos, real super-resolution GANs), or reuse a finished one.",
            "Real photos come from Debian packages; fakes are made from the same low-resolution crops by 12",
            "super-resolution GANs (npm upscalerjs ESRGAN models, converted to ONNX, run on ONNX Runtime).",
            "The result has the AI-GenBench Hugging Face layout and a generators.csv of fictional release dates.",
            "Downloads go to a cache that later builds reuse; an interrupted build resumes where it stopped.",
            "Ends with the cue check (trivial statistics must not separate real from fake)."
        })
public final class MakeMiniBenchmarkCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "dataset folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("datasets/mini_genbench");

    @Option(names = "--cache", paramLabel = "DIR", description = "download and work cache (default: .cache/mini_genbench beside the dataset folder)")
    Path cache;

    @Option(names = "--fakes-per-generator", paramLabel = "N", description = "fakes per generator: 2/5 train, 2/5 validation, 1/5 test (default: ${DEFAULT-VALUE})")
    int fakesPerGenerator = MiniBenchmarkOptions.DEFAULT_FAKES_PER_GENERATOR;

    @Option(names = "--seed", paramLabel = "S", description = "seed of every random choice (default: ${DEFAULT-VALUE})")
    long seed = MiniBenchmarkOptions.DEFAULT_SEED;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: the number of cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--skip-cue-check", description = "do not run the cue check at the end")
    boolean skipCueCheck;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        var options = new MiniBenchmarkOptions(out, cache != null ? cache : MiniBenchmarkOptions.defaultCache(out), fakesPerGenerator, seed, threads);
        var builder = new MiniBenchmarkBuilder(options);
        MiniBenchmarkBuilder.Result result = builder.build();
        builder.exportProbeBackbone(dev.genbench.cli.Workspace.modelsFolder());
        builder.dropRebuildableFiles();
        Log.info("mini benchmark %s in %.1f s", result.reused() ? "reused" : "built", (System.nanoTime() - start) / 1e9);
        System.out.println("content hash: " + result.contentHash());
        var recorded = MiniBenchmarkBuilder.recordedCueCheck(out);
        if (!skipCueCheck && result.reused() && recorded.isPresent()) {
            // Same bytes as when it was checked (the content hash matched): the recorded result still holds.
            System.out.printf(java.util.Locale.ROOT, "cue check AUROC: %.3f (recorded when built; `genbench cue-check` recomputes it)%n", recorded.getAsDouble());
            return recorded.getAsDouble() <= CueCheck.MAX_AUROC ? 0 : 1;
        }
        if (!skipCueCheck) {
            CueCheck.Report report = CueCheck.run(out);
            MiniBenchmarkBuilder.recordCueCheck(out, report.pooledAuroc());
            report.print(System.out);
            if (!report.passes()) {
                Log.warn("the cue check AUROC %.3f is above %.2f: trivial statistics separate real from fake", report.pooledAuroc(), CueCheck.MAX_AUROC);
                return 1;
            }
        }
        return 0;
    }
}
