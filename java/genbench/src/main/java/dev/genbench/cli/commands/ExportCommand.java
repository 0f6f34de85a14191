package dev.genbench.cli.commands;

import dev.genbench.cli.Workspace;
import dev.genbench.console.Log;
import dev.genbench.export.AppImage;
import dev.genbench.export.DetectorExport;
import dev.genbench.export.ExportSource;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code genbench export}: a trained window as one ONNX file, its model card and the standalone detector's app image. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Export a trained detector: DIR/detector.onnx (backbone + head + sigmoid, preprocessing in its metadata),",
            "DIR/model-card.md and .json (training data, every window's metrics, the config) and DIR/detector/, a",
            "self-contained app image (trimmed Java runtime, ONNX Runtime and OpenCV for linux-x86_64) whose",
            "bin/detector scores images (score) and serves them over HTTP (serve)."
        },
        footer = {"", "Examples:",
            "  genbench export experiments_data/experiment_0 --out exported/mini   (last completed window)",
            "  genbench export experiments_data/experiment_0 --window 1 --out exported/w1",
            "  genbench export experiments_data/experiment_0/window_2/checkpoints/epoch=39-step=600.ckpt --out exported/w2",
            "  exported/mini/detector/bin/detector score photos/"})
public final class ExportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "EXPERIMENT|CHECKPOINT", description = "An experiment folder or a window's .ckpt file.")
    Path source;

    @Option(names = "--window", paramLabel = "N", description = "The window to export (default: the last completed one).")
    Integer window;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the model, its card and the app image.")
    Path out;

    @Option(names = "--no-app-image", description = "Write only the ONNX file and the model card.")
    boolean noAppImage;

    @Option(names = "--aot-cache", description = "Record an ahead-of-time class cache in the app image: the detector starts about"
            + " twice as fast, and the image grows by about 17 MB.")
    boolean aotCache;

    @Override
    public Integer call() {
        ExportSource resolved = ExportSource.resolve(source, Optional.ofNullable(window));
        Log.info("exporting window %d of %s (%s)", resolved.window(), resolved.experimentFolder(), resolved.checkpoint().getFileName());
        DetectorExport.Result result = DetectorExport.export(resolved, Workspace.modelsFolder(), out);
        Log.info("wrote %s, %s and %s", result.onnx(), result.cardMarkdown(), result.cardJson());
        if (!noAppImage) {
            AppImage.Built image = AppImage.build(result.onnx(), out.resolve("detector"), aotCache);
            Log.info("app image %s: %s%s; run %s --help", image.folder(), String.format(Locale.ROOT, "%.1f MB", image.bytes() / 1e6),
                    image.aotCache() ? ", with an ahead-of-time class cache" : "", image.launcher());
        }
        return 0;
    }
}
