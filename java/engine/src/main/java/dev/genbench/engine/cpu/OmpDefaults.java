package dev.genbench.engine.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Sets OpenMP's environment defaults for oneDNN's bundled libgomp before it loads. libgomp reads
 * OMP_WAIT_POLICY once, when the library initialises, and its default lets idle workers spin: on
 * our 2-core machines those spinning threads took the cores from the Java kernels that run between
 * oneDNN calls (and from the next oneDNN call), and a ResNet-18 training step (batch 8, 112x112)
 * went from 6.0-6.4 s with spinning to 1.2-1.5 s with {@code passive}. A value the user exported
 * is kept (setenv with overwrite 0). Thread-safe; runs once.
 */
final class OmpDefaults {
    private OmpDefaults() {}

    private static boolean done;

    // A native call by design; the JVM flags already grant native access (--enable-native-access).
    @SuppressWarnings("restricted")
    static synchronized void apply() {
        if (done) {
            return;
        }
        done = true;
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle setenv = linker.downcallHandle(linker.defaultLookup().find("setenv").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            try (Arena a = Arena.ofConfined()) {
                MemorySegment name = a.allocateFrom("OMP_WAIT_POLICY");
                MemorySegment value = a.allocateFrom("passive");
                int rc = (int) setenv.invokeExact(name, value, 0);
                if (rc != 0) {
                    System.getLogger(OmpDefaults.class.getName()).log(System.Logger.Level.DEBUG, "setenv(OMP_WAIT_POLICY) returned " + rc);
                }
                if (System.getProperty(Parallel.THREADS_PROPERTY) != null) {
                    // An explicit engine thread count wins over the environment, for oneDNN as for our pool.
                    int omp = (int) setenv.invokeExact(a.allocateFrom("OMP_NUM_THREADS"),
                            a.allocateFrom(Integer.toString(Parallel.configuredThreads())), 1);
                    if (omp != 0) {
                        System.getLogger(OmpDefaults.class.getName()).log(System.Logger.Level.DEBUG, "setenv(OMP_NUM_THREADS) returned " + omp);
                    }
                }
            }
        } catch (Throwable t) {
            // Without native access the default policy stays; results are the same, only slower.
            System.getLogger(OmpDefaults.class.getName()).log(System.Logger.Level.DEBUG, "could not set OMP_WAIT_POLICY: " + t);
        }
    }
}
