package dev.genbench.io;

import dev.genbench.console.UserError;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * Writes scalars to a TensorBoard event file in a log folder: a file named as TensorBoard names its own
 * ({@code events.out.tfevents.<seconds>.<host>.<pid>.<n>}), opened by a {@code brain.Event:2} version
 * event, then one event per {@link #scalars} call, each a TFRecord with masked CRC32Cs.
 *
 * <p>Every call is flushed to the operating system, so a live TensorBoard sees it and a crash loses at
 * most the event being written (TensorBoard skips a truncated last record). Thread-safe; close it once
 * the run ends (closing twice is harmless, writing after close throws).
 */
public final class TensorBoardWriter implements AutoCloseable {
    private static final AtomicInteger FILES_OPENED = new AtomicInteger();

    private final Path file;
    private final DoubleSupplier wallTime;
    private OutputStream out;

    private TensorBoardWriter(Path file, DoubleSupplier wallTime) throws IOException {
        this.file = file;
        this.wallTime = wallTime;
        this.out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), 1 << 16);
        writeRecord(EventProto.fileVersion(wallTime.getAsDouble()));
    }

    /**
     * Opens a new event file in {@code logDir}, creating the folder.
     *
     * @throws UserError naming the folder when the file cannot be created
     */
    public static TensorBoardWriter open(Path logDir) {
        return open(logDir, () -> System.currentTimeMillis() / 1000.0);
    }

    static TensorBoardWriter open(Path logDir, DoubleSupplier wallTime) {
        double now = wallTime.getAsDouble();
        String name = String.format("events.out.tfevents.%010d.%s.%d.%d", (long) now, hostName(),
                ProcessHandle.current().pid(), FILES_OPENED.getAndIncrement());
        try {
            Files.createDirectories(logDir);
            return new TensorBoardWriter(logDir.resolve(name), wallTime);
        } catch (IOException e) {
            throw new UserError("Cannot create a TensorBoard event file in " + logDir + " (" + e.getMessage()
                    + "); check that the folder is writable.", e);
        }
    }

    public Path file() {
        return file;
    }

    /** Logs one scalar, as a float as TensorBoard stores it. */
    public void scalar(String tag, double value, long step) {
        var one = new LinkedHashMap<String, Double>();
        one.put(tag, value);
        scalars(one, step);
    }

    /** Logs several scalars at one step, as one event. */
    public synchronized void scalars(Map<String, Double> values, long step) {
        if (values.isEmpty()) {
            return;
        }
        var asFloat = new LinkedHashMap<String, Float>();
        values.forEach((k, v) -> asFloat.put(k, v.floatValue()));
        try {
            writeRecord(EventProto.scalars(wallTime.getAsDouble(), step, asFloat));
            out.flush();
        } catch (IOException e) {
            throw new UserError("Cannot write TensorBoard event file " + file + " (" + e.getMessage()
                    + "); check free disk space.", e);
        }
    }

    private void writeRecord(byte[] event) throws IOException {
        if (out == null) {
            throw new IllegalStateException("TensorBoard writer for " + file + " is closed");
        }
        out.write(TfRecord.frame(event));
    }

    @Override
    public synchronized void close() {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            throw new UserError("Cannot finish TensorBoard event file " + file + " (" + e.getMessage() + ").", e);
        } finally {
            out = null;
        }
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
