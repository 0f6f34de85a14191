package dev.genbench.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points in the run where a test can make the process die, pause or fail, to prove that work
 * survives a crash at exactly that point. Off unless the system property {@code genbench.fault} or the
 * environment variable {@code GENBENCH_FAULT} is set; then it holds comma-separated rules
 * {@code <point>[@<n>]=<action>}: the rule fires the n-th time (default 1st) the point is reached; a
 * rule {@code write:<text>} counts only the writes of files whose name contains {@code <text>}
 * ({@code write:.ckpt@2=halt}). Actions:
 * <ul>
 *   <li>{@code halt}: {@link Runtime#halt} with status 137, as {@code kill -9} ends a process (no
 *       shutdown hooks, no {@code finally});
 *   <li>{@code pause}: prints {@code genbench-fault: paused at <point>} on standard error and waits
 *       {@link #PAUSE_MS} before going on, so the test can send a real signal (or {@code kill -9}) at that moment;
 *   <li>{@code enospc}: at a write point, fails the write as a full disk does.
 * </ul>
 * Points: {@code write:<file name>} (every atomic write, after the data and before the rename),
 * {@code cache-batch} (a feature-cache batch stored), {@code train-batch} (a training batch done),
 * {@code checkpoint} (a checkpoint verified), {@code window-done} (a window marked done).
 * Thread-safe.
 */
public final class FaultPoints {
    private FaultPoints() {}

    /** How long {@code pause} holds the run. */
    public static final long PAUSE_MS = 4000;

    private record Rule(String point, int nth, String action) {}

    private static final List<Rule> RULES = parse(System.getProperty("genbench.fault", System.getenv("GENBENCH_FAULT")));
    private static final ConcurrentHashMap<Rule, AtomicInteger> HITS = new ConcurrentHashMap<>();

    static List<Rule> parse(String spec) {
        List<Rule> rules = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return List.of();
        }
        for (String part : spec.split(",")) {
            int eq = part.lastIndexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("genbench.fault rule '" + part + "' is not <point>[@n]=<action>");
            }
            String left = part.substring(0, eq).trim();
            String action = part.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
            if (!List.of("halt", "pause", "enospc").contains(action)) {
                throw new IllegalArgumentException("genbench.fault action '" + action + "' is not halt, pause or enospc");
            }
            int at = left.lastIndexOf('@');
            int nth = at < 0 ? 1 : Integer.parseInt(left.substring(at + 1));
            rules.add(new Rule(at < 0 ? left : left.substring(0, at), nth, action));
        }
        return List.copyOf(rules);
    }

    /** {@code train-batch} matches itself; {@code write:.ckpt} matches {@code write:<any name containing .ckpt>}. */
    static boolean matches(String rule, String point) {
        int colon = rule.indexOf(':');
        if (colon < 0) {
            return point.equals(rule);
        }
        int pointColon = point.indexOf(':');
        return pointColon == colon && point.startsWith(rule.substring(0, colon + 1))
                && point.substring(colon + 1).contains(rule.substring(colon + 1));
    }

    /** Whether any rule is configured (a cheap check for hot loops). */
    public static boolean enabled() {
        return !RULES.isEmpty();
    }

    /** Reaches a point where the process may be halted or paused. */
    public static void reach(String point) {
        try {
            reachIo(point);
        } catch (IOException e) {
            throw new IllegalStateException("genbench.fault: enospc is only for write points, not " + point, e);
        }
    }

    /** Reaches a point where a write may also fail as on a full disk. */
    public static void reachIo(String point) throws IOException {
        for (Rule rule : RULES) {
            if (!matches(rule.point(), point)) {
                continue;
            }
            int hit = HITS.computeIfAbsent(rule, r -> new AtomicInteger()).incrementAndGet();
            if (hit != rule.nth()) {
                continue;
            }
            switch (rule.action()) {
                case "halt" -> {
                    System.err.println("genbench-fault: halting at " + point);
                    System.err.flush();
                    Runtime.getRuntime().halt(137);
                }
                case "pause" -> {
                    System.err.println("genbench-fault: paused at " + point);
                    System.err.flush();
                    try {
                        Thread.sleep(PAUSE_MS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                default -> throw new IOException("No space left on device (injected at " + point + ")");
            }
        }
    }
}
