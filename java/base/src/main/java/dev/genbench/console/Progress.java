package dev.genbench.console;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long loop: a live bar with rate and ETA on a terminal, and a plain line every few
 * seconds elsewhere (CI, log files, SLURM output), where a redrawn bar would be noise.
 *
 * <p>Use one per loop in try-with-resources; {@link #step} may be called from any thread. The mode is
 * chosen by {@code GENBENCH_PROGRESS} ({@code bar}, {@code plain}, {@code off}) or, when unset, by whether
 * standard error is a terminal.
 */
public sealed interface Progress extends AutoCloseable permits Progress.Bar, Progress.Plain, Progress.Off {

    /** Adds {@code n} finished items. */
    void step(long n);

    default void step() {
        step(1);
    }

    /** A short status shown beside the counts (for example the current loss). */
    void status(String text);

    @Override
    void close();

    enum Mode { BAR, PLAIN, OFF }

    /**
     * Starts reporting a loop of {@code total} items ({@code total <= 0} when unknown).
     *
     * @param task what the loop does, e.g. "caching features"
     * @param unit the item's name, e.g. "img"
     */
    static Progress start(String task, long total, String unit) {
        return start(task, total, unit, defaultMode(), System.err, Duration.ofSeconds(10));
    }

    static Progress start(String task, long total, String unit, Mode mode, PrintStream out, Duration plainInterval) {
        return switch (mode) {
            case BAR -> new Bar(task, total, unit);
            case PLAIN -> new Plain(task, total, unit, out, plainInterval.toNanos(), System.nanoTime());
            case OFF -> new Off();
        };
    }

    static Mode defaultMode() {
        String forced = System.getenv("GENBENCH_PROGRESS");
        if (forced != null && !forced.isBlank()) {
            try {
                return Mode.valueOf(forced.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                Log.warnOnce("GENBENCH_PROGRESS", "GENBENCH_PROGRESS=%s is not one of bar, plain, off; using plain", forced);
                return Mode.PLAIN;
            }
        }
        java.io.Console console = System.console();
        return console != null && console.isTerminal() ? Mode.BAR : Mode.PLAIN;
    }

    /** A redrawn terminal bar (me.tongfei progressbar) with rate and ETA. */
    final class Bar implements Progress {
        private final ProgressBar bar;

        Bar(String task, long total, String unit) {
            this.bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(total > 0 ? total : -1)
                    .setUnit(" " + unit, 1)
                    .showSpeed()
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(250)
                    .continuousUpdate()
                    .build();
        }

        @Override
        public void step(long n) {
            bar.stepBy(n);
        }

        @Override
        public void status(String text) {
            bar.setExtraMessage(text);
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    /** Plain lines at a fixed interval, plus one when the loop ends. */
    final class Plain implements Progress {
        private final String task;
        private final long total;
        private final String unit;
        private final PrintStream out;
        private final long intervalNanos;
        private final long startNanos;
        private long done;
        private long lastPrintNanos;
        private String status = "";
        private boolean closed;

        Plain(String task, long total, String unit, PrintStream out, long intervalNanos, long startNanos) {
            this.task = task;
            this.total = total;
            this.unit = unit;
            this.out = out;
            this.intervalNanos = intervalNanos;
            this.startNanos = startNanos;
            this.lastPrintNanos = startNanos;
        }

        @Override
        public synchronized void step(long n) {
            done += n;
            long now = System.nanoTime();
            if (now - lastPrintNanos >= intervalNanos) {
                lastPrintNanos = now;
                out.println(line(now));
            }
        }

        @Override
        public synchronized void status(String text) {
            status = text == null ? "" : text;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                out.println(line(System.nanoTime()) + " done");
            }
        }

        synchronized String line(long nowNanos) {
            double seconds = Math.max(1e-9, (nowNanos - startNanos) / 1e9);
            double rate = done / seconds;
            StringBuilder s = new StringBuilder(task).append(": ").append(done);
            if (total > 0) {
                s.append('/').append(total)
                        .append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * done / total));
            }
            s.append(String.format(Locale.ROOT, ", %.1f %s/s, elapsed %s", rate, unit, clock(seconds)));
            if (total > 0 && done < total && rate > 0) {
                s.append(", ETA ").append(clock((total - done) / rate));
            }
            if (!status.isEmpty()) {
                s.append(", ").append(status);
            }
            return s.toString();
        }

        private static String clock(double seconds) {
            long s = Math.round(seconds);
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        }
    }

    /** Reports nothing (GENBENCH_PROGRESS=off). */
    final class Off implements Progress {
        @Override
        public void step(long n) {}

        @Override
        public void status(String text) {}

        @Override
        public void close() {}
    }
}
