package dev.genbench.detector;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process's ONNX Runtime environment, created safely. ONNX Runtime 1.29 reads the process's command line
 * ({@code /proc/self/cmdline}) while it creates its environment and matches it with a {@code std::regex}, which
 * recurses once per character: a command line of a few thousand characters (a long class path) overflows the
 * 1 MB stack of the Java thread that asked, and the JVM dies of SIGSEGV (status 139) with no crash report,
 * since its stack is gone. So the environment is created once on a thread with a large stack; later calls
 * return that one (ONNX Runtime keeps one environment per process).
 */
public final class OnnxRuntime {
    /** Room for the regex's recursion over a command line of about a million characters. */
    private static final long CREATION_STACK_BYTES = 256L << 20;

    private static OrtEnvironment environment;

    private OnnxRuntime() {}

    /** The environment: use this instead of {@link OrtEnvironment#getEnvironment()}. */
    public static synchronized OrtEnvironment environment() {
        if (environment == null) {
            AtomicReference<OrtEnvironment> created = new AtomicReference<>();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread creator = new Thread(null, () -> {
                try {
                    created.set(OrtEnvironment.getEnvironment());
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "onnxruntime-environment", CREATION_STACK_BYTES);
            creator.start();
            boolean interrupted = false;
            while (creator.isAlive()) {
                try {
                    creator.join();
                } catch (InterruptedException e) {
                    interrupted = true; // creation takes milliseconds; the caller sees its interrupt afterwards
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            switch (failed.get()) {
                case null -> environment = created.get();
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                case Throwable e -> throw new IllegalStateException("ONNX Runtime's environment could not be created", e);
            }
        }
        return environment;
    }
}
