package dev.genbench.minibench;

import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on a mini-benchmark cache folder ({@code .lock} inside it), held while a process
 * builds, converts or prunes there: two builds sharing a cache would otherwise delete the photos and models
 * the other is still reading. The lock file records the holder ({@code pid@host}) for the message of the
 * process that has to wait; the OS releases the lock if the holder dies.
 */
final class CacheLock implements AutoCloseable {
    private static final long WAIT_MILLIS = 2_000;

    private final FileChannel channel;
    private final FileLock lock;

    private CacheLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits for the lock, telling the user once who holds it. */
    static CacheLock acquire(Path cache, String purpose) {
        boolean told = false;
        while (true) {
            CacheLock held = tryAcquire(cache);
            if (held != null) {
                return held;
            }
            if (!told) {
                Log.info("mini benchmark: another genbench process (%s) is using the cache %s; waiting for it, to %s",
                        holder(cache), cache, purpose);
                told = true;
            }
            try {
                Thread.sleep(WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted while waiting for the lock on " + cache.resolve(".lock"));
            }
        }
    }

    /** The lock if no other process holds it, else {@code null}. */
    static CacheLock tryAcquire(Path cache) {
        Path file = cache.resolve(".lock");
        try {
            Files.createDirectories(cache);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                return null;
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(ManagementFactory.getRuntimeMXBean().getName().getBytes(StandardCharsets.UTF_8)), 0);
            return new CacheLock(channel, lock);
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null; // held by this process (another thread)
        } catch (IOException e) {
            throw new UserError("cannot lock the mini-benchmark cache " + file + " (" + e.getMessage() + "); check the folder's permissions", e);
        }
    }

    private static String holder(Path cache) {
        try {
            return Files.readString(cache.resolve(".lock")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            Log.warn("could not release the lock on the mini-benchmark cache: %s", e.getMessage());
        }
    }
}
