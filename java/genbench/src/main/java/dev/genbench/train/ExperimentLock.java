package dev.genbench.train;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Keeps two processes from training one experiment at once: an OS file lock on
 * {@code <experiment folder>/.lock}, which also holds the holder's pid and host so that the second process
 * can say who is in the way. The OS drops the lock when its holder dies, even by {@code kill -9}, so a
 * stale file never blocks a resume. Close it to release.
 */
public final class ExperimentLock implements AutoCloseable {
    static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private ExperimentLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of an experiment folder (creating the folder).
     *
     * @throws UserError naming the holder's pid and host when another process has it
     */
    public static ExperimentLock acquire(Path experimentFolder) {
        Path file = experimentFolder.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(experimentFolder);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this very process holds it already
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
                channel.close();
                throw new UserError("experiment folder '" + experimentFolder + "' is in use by another genbench process ("
                        + (holder.isEmpty() ? "holder unknown" : holder) + "); wait for it to finish or stop it, then run again");
            }
            String me = "pid " + ProcessHandle.current().pid() + " on host " + hostName() + " since " + Instant.now();
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new ExperimentLock(channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the first error is the one to report
                }
            }
            throw new UserError("cannot lock the experiment with '" + file + "' (" + e.getMessage() + "); check that the folder is writable");
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            // the OS releases the lock with the channel or the process; nothing is lost
        }
    }
}
