package dev.genbench.engine;

/**
 * Whether ops record the autodiff graph on this thread (on by default). Backward rules and
 * optimizer steps run with recording off. Thread-confined.
 */
public final class GradMode implements AutoCloseable {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private final boolean previous;

    private GradMode(boolean enabled) {
        previous = ENABLED.get();
        ENABLED.set(enabled);
    }

    /** Turns recording off until the returned handle is closed: {@code try (var ng = GradMode.off()) {...}}. */
    public static GradMode off() {
        return new GradMode(false);
    }

    public static boolean enabled() {
        return ENABLED.get();
    }

    @Override
    public void close() {
        ENABLED.set(previous);
    }
}
