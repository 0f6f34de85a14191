package dev.genbench.console;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console voice of genbench: short lines on standard error, so that standard output stays free for
 * results (printed configs, scores). Debug lines appear only with {@code --verbose}.
 *
 * <p>Thread-safe. Deliberately tiny instead of a logging framework: users read these lines, nothing
 * parses them, and there is one sink.
 */
public final class Log {
    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream sink = System.err;
    private static final Set<String> WARNED_ONCE = ConcurrentHashMap.newKeySet();

    private Log() {}

    public static void setVerbose(boolean verbose) {
        threshold = verbose ? Level.DEBUG : Level.INFO;
    }

    public static boolean isVerbose() {
        return threshold == Level.DEBUG;
    }

    /** Redirects every line, for tests; returns the previous sink. */
    public static PrintStream redirect(PrintStream newSink) {
        PrintStream previous = sink;
        sink = newSink;
        return previous;
    }

    public static void debug(String format, Object... args) {
        write(Level.DEBUG, format, args);
    }

    public static void info(String format, Object... args) {
        write(Level.INFO, format, args);
    }

    public static void warn(String format, Object... args) {
        write(Level.WARN, format, args);
    }

    /** Warns once per process for a given key, however often the situation recurs. */
    public static void warnOnce(String key, String format, Object... args) {
        if (WARNED_ONCE.add(key)) {
            write(Level.WARN, format, args);
        }
    }

    public static void error(String format, Object... args) {
        write(Level.ERROR, format, args);
    }

    private static void write(Level level, String format, Object... args) {
        if (level.ordinal() < threshold.ordinal()) {
            return;
        }
        String text = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        String prefix = switch (level) {
            case DEBUG -> "debug: ";
            case INFO -> "";
            case WARN -> "warning: ";
            case ERROR -> "error: ";
        };
        PrintStream out = sink;
        synchronized (out) {
            out.println(prefix + text);
            out.flush();
        }
    }
}
