package dev.genbench.train;

import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.io.FaultPoints;
import dev.genbench.io.StateFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One window's {@code checkpoints} folder as a sequence of full training states
 * ({@code epoch=<e>-step=<s>.ckpt}, Lightning's names; {@code -v<n>} added when a name is taken, as
 * Lightning's version counter does). A new checkpoint is written atomically, read back and verified
 * before the older ones beyond the last {@link #KEEP} are removed, so a crash or a full disk at any
 * moment leaves at least one complete checkpoint. Reading takes the newest checkpoint that verifies and
 * says which damaged ones it passed over.
 *
 * <p>Shared by every trainer (probe heads now, tuned models later): it stores {@link StateFile}s and does
 * not look inside them. Not thread-safe; one trainer writes a folder.
 */
public final class CheckpointStore {
    /** Verified checkpoints kept: the newest and the one before, the fallback should the newest be damaged later. */
    static final int KEEP = 2;

    private final Path folder;

    public CheckpointStore(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    /** A verified checkpoint. */
    public record Loaded(Path file, StateFile state) {}

    /**
     * Writes {@code state} as the newest checkpoint, verifies it, and prunes the older ones.
     *
     * @throws UserError naming the file when it cannot be written (a full disk); the older checkpoints stay
     */
    public Path save(StateFile state, long epoch, long step) {
        Path file = freeName(epoch, step);
        state.write(file);
        try {
            StateFile.read(file);
        } catch (StateFile.Corrupt e) {
            deleteQuietly(file);
            throw new UserError("checkpoint " + e.getMessage() + " right after writing it; the previous checkpoints in '"
                    + folder + "' are kept. Check the disk.");
        }
        FaultPoints.reach("checkpoint");
        List<Path> all = ExperimentLayout.checkpointsNewestFirst(folder);
        for (int i = KEEP; i < all.size(); i++) {
            deleteQuietly(all.get(i));
        }
        return file;
    }

    private Path freeName(long epoch, long step) {
        String base = "epoch=" + epoch + "-step=" + step;
        Path file = folder.resolve(base + ".ckpt");
        for (int v = 1; Files.exists(file); v++) {
            file = folder.resolve(base + "-v" + v + ".ckpt");
        }
        return file;
    }

    /** The newest checkpoint that verifies; damaged ones are named in a warning and passed over. */
    public Optional<Loaded> latestValid() {
        for (Path file : ExperimentLayout.checkpointsNewestFirst(folder)) {
            Optional<Loaded> loaded = tryRead(file);
            if (loaded.isPresent()) {
                return loaded;
            }
        }
        return Optional.empty();
    }

    /** Reads one checkpoint, or warns and returns empty when it is damaged. */
    static Optional<Loaded> tryRead(Path file) {
        try {
            return Optional.of(new Loaded(file, StateFile.read(file)));
        } catch (StateFile.Corrupt e) {
            Log.warn("checkpoint %s; using the previous checkpoint instead", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * {@code checkpoint_callback.train_time_interval}: Lightning takes a {@code timedelta}; in YAML we accept
     * {@code H:MM:SS} (how a timedelta prints) or a number of seconds.
     */
    public static java.time.Duration parseInterval(String text) {
        String t = text.trim();
        try {
            if (t.contains(":")) {
                String[] parts = t.split(":");
                if (parts.length == 3) {
                    return java.time.Duration.ofHours(Long.parseLong(parts[0])).plusMinutes(Long.parseLong(parts[1]))
                            .plusMillis(Math.round(Double.parseDouble(parts[2]) * 1000));
                }
            } else {
                return java.time.Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new UserError("checkpoint_callback.train_time_interval must be H:MM:SS or seconds (e.g. 0:30:00 or 1800), got '" + text + "'");
    }

    /** Removes temporary files that a process killed while writing a checkpoint left behind. */
    public void removeLeftovers() {
        if (!Files.isDirectory(folder)) {
            return;
        }
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, ".*.ckpt.tmp-*")) {
            files.forEach(leftovers::add);
        } catch (IOException e) {
            return; // leftovers are harmless; listing errors surface when the checkpoints are read
        }
        leftovers.forEach(CheckpointStore::deleteQuietly);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Log.warn("cannot remove %s (%s)", file, e.getMessage());
        }
    }
}
