package dev.genbench.cli.commands;

import dev.genbench.console.Log;
import dev.genbench.minibench.CueCheck;
import dev.genbench.minibench.MiniBenchmarkOptions;
import dev.genbench.minibench.ProbeCheck;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genbench cue-check}: checks that a dataset has no cheap cue, and optionally that a frozen probe detects unseen windows. */
@Command(
        name = "cue-check",
        mixinStandardHelpOptions = true,
        description = {
            "Check that trivial statistics do not separate real from fake (and, with --probe, that a probe does).",
            "Fits a logistic regression on trivial statistics (size, file size, JPEG quality, sharpness,",
            "high-frequency energy, colour) on the train split and scores it on the test split (validation when",
            "there is none); prints the AUROC per generator and `cue check AUROC: <value>`; exits 1 above 0.65.",
            "--probe also runs the next-window check of a frozen MobileNetV2 probe (needs generators.csv)."
        })
public final class CueCheckCommand implements Callable<Integer> {

    @Option(names = "--dataset", paramLabel = "DIR", description = "HF save_to_disk folder (default: ${DEFAULT-VALUE})")
    Path dataset = Path.of("datasets/mini_genbench");

    @Option(names = "--probe", description = "also run the probe check (converts the nsfwjs MobileNetV2 into the cache on first use)")
    boolean probe;

    @Option(names = "--cache", paramLabel = "DIR", description = "model cache for --probe (default: .cache/mini_genbench beside the dataset)")
    Path cache;

    @Override
    public Integer call() {
        CueCheck.Report report = CueCheck.run(dataset);
        report.print(System.out);
        boolean ok = report.passes();
        if (!ok) {
            Log.warn("cue check AUROC %.3f is above %.2f: trivial statistics separate real from fake", report.pooledAuroc(), CueCheck.MAX_AUROC);
        }
        if (probe) {
            ProbeCheck.Report p = ProbeCheck.run(dataset, cache != null ? cache : MiniBenchmarkOptions.defaultCache(dataset));
            p.print(System.out);
            if (!p.passes()) {
                Log.warn("the probe stays below AUROC %.2f on some unseen window", ProbeCheck.MIN_AUROC);
                ok = false;
            }
        }
        return ok ? 0 : 1;
    }
}
