package dev.genbench.io;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the whole new one, never a half-written
 * file: the content goes to a temporary name in the same folder, is forced to disk, and is renamed over
 * the target; the folder is then forced so the rename itself survives a crash.
 *
 * <p>A failure leaves the target as it was and removes the temporary file. Thread-safe: every call uses
 * a temporary name of its own, and the last rename wins.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the content through a channel, which the body may also position and read back. */
    @FunctionalInterface
    public interface ChannelBody {
        void write(FileChannel channel) throws IOException;
    }

    /**
     * Creates or replaces {@code target} with what {@code body} writes. Missing parent folders are
     * created.
     *
     * @throws UserError naming the file when it cannot be written
     */
    public static void write(Path target, ChannelBody body) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)) {
                body.write(ch);
                ch.force(true);
                FaultPoints.reachIo("write:" + target.getFileName());
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Same folder, so this only happens on exotic file systems; a plain replace is the best left.
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(dir);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UserError("Cannot write " + target + " (" + describe(e) + "); check that its folder is "
                    + "writable and the disk has space.", e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    public static void writeBytes(Path target, byte[] content) {
        write(target, ch -> writeFully(ch, ByteBuffer.wrap(content)));
    }

    public static void writeString(Path target, String content) {
        writeBytes(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces {@code target} with a copy of {@code source}, atomically as {@link #write} does. */
    public static void copy(Path source, Path target) {
        write(target, ch -> {
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
                long size = in.size();
                long done = 0;
                while (done < size) {
                    done += in.transferTo(done, size - done, ch);
                }
            }
        });
    }

    /** Writes every remaining byte of {@code buffer} at the channel's position. */
    public static void writeFully(FileChannel ch, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }

    private static void forceDirectory(Path dir) {
        // Makes the rename durable on Linux; other systems refuse to open folders, and lose nothing by it.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Durability of the rename is best effort where the platform cannot sync a folder.
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // The original error matters more than a leftover temporary file.
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }
}
