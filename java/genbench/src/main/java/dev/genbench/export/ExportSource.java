package dev.genbench.export;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What {@code genbench export} reads: the checkpoint of one window of an experiment, that window's folder
 * (its {@code fit_config.yaml}) and the experiment folder (every window's predictions, for the model card).
 *
 * @param experimentFolder the experiment ({@code experiments_data/experiment_<id>})
 * @param windowFolder the window's folder
 * @param window k
 * @param checkpoint the checkpoint exported
 */
public record ExportSource(Path experimentFolder, Path windowFolder, int window, Path checkpoint) {
    private static final Pattern WINDOW = Pattern.compile(".*_(\\d+)");
    private static final Pattern STEP = Pattern.compile("step=(\\d+)");

    /**
     * Resolves an experiment folder (the window given, else the last completed one, and its latest checkpoint)
     * or a checkpoint file ({@code window_<k>/checkpoints/*.ckpt}).
     */
    public static ExportSource resolve(Path path, Optional<Integer> window) {
        if (Files.isRegularFile(path)) {
            Path windowFolder = path.toAbsolutePath().getParent().getParent();
            int k = windowNumber(windowFolder).orElseThrow(() -> new UserError("checkpoint '" + path
                    + "' is not inside an experiment's window_<k>/checkpoints folder; give the experiment folder instead"));
            if (window.isPresent() && window.get() != k) {
                throw new UserError("--window " + window.get() + " contradicts checkpoint '" + path + "', which belongs to window " + k);
            }
            return new ExportSource(windowFolder.getParent(), windowFolder, k, path);
        }
        if (!Files.isDirectory(path)) {
            throw new UserError("'" + path + "' is neither an experiment folder nor a checkpoint file");
        }
        List<Path> windows = windows(path);
        if (windows.isEmpty()) {
            throw new UserError("'" + path + "' holds no window folders with checkpoints; train it first (genbench fit)");
        }
        Path chosen;
        if (window.isPresent()) {
            chosen = windows.stream().filter(w -> windowNumber(w).orElse(-1) == window.get()).findFirst().orElseThrow(() -> new UserError(
                    "experiment '" + path + "' has no window " + window.get() + " with checkpoints; it has " + windows.stream()
                            .map(w -> String.valueOf(windowNumber(w).orElse(-1))).toList()));
        } else {
            chosen = windows.reversed().stream().filter(w -> Files.exists(w.resolve("done"))).findFirst().orElseThrow(() -> new UserError(
                    "no window of experiment '" + path + "' is complete (no done marker); finish training or give --window"));
        }
        Path checkpoint = latestCheckpoint(chosen.resolve("checkpoints")).orElseThrow(() -> new UserError(
                "'" + chosen.resolve("checkpoints") + "' holds no .ckpt file"));
        return new ExportSource(path, chosen, windowNumber(chosen).orElseThrow(), checkpoint);
    }

    /** The window's configuration as `fit` saved it. */
    public Path config() {
        Path file = windowFolder.resolve("fit_config.yaml");
        if (!Files.isRegularFile(file)) {
            throw new UserError("window folder '" + windowFolder + "' has no fit_config.yaml; was it trained by `genbench fit`?");
        }
        return file;
    }

    private static List<Path> windows(Path experiment) {
        try (Stream<Path> s = Files.list(experiment)) {
            return s.filter(p -> Files.isDirectory(p.resolve("checkpoints")) && windowNumber(p).isPresent())
                    .sorted(Comparator.comparingInt(p -> windowNumber(p).orElseThrow())).toList();
        } catch (IOException e) {
            throw new UserError("cannot list experiment folder '" + experiment + "': " + e.getMessage());
        }
    }

    private static Optional<Integer> windowNumber(Path folder) {
        Matcher m = WINDOW.matcher(folder.getFileName().toString());
        return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    private static Optional<Path> latestCheckpoint(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".ckpt")).max(Comparator.comparingLong(ExportSource::step));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static long step(Path checkpoint) {
        Matcher m = STEP.matcher(checkpoint.getFileName().toString());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
