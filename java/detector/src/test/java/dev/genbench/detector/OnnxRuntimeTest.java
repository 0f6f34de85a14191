package dev.genbench.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OnnxRuntimeTest {
    /** Creates the environment and says so; run in a process of its own with a long command line. */
    static final class CreateEnvironment {
        public static void main(String[] args) {
            OrtEnvironment env = OnnxRuntime.environment();
            System.out.println("environment created: " + (env == OnnxRuntime.environment()));
        }
    }

    @Test
    void theEnvironmentIsCreatedEvenWhenTheCommandLineIsLong() throws Exception {
        // ONNX Runtime parses the command line recursively while it creates its environment: created on the
        // caller's 1 MB stack, a command line of 100,000 characters (a long class path does the same) kills the JVM
        // with SIGSEGV (status 139).
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-Dpadding=" + "x".repeat(100_000), "-cp", System.getProperty("java.class.path"),
                CreateEnvironment.class.getName())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("environment created: true"), out);
    }

    @Test
    void everyCallReturnsTheOneEnvironment() {
        assertSame(OnnxRuntime.environment(), OnnxRuntime.environment());
        assertSame(OrtEnvironment.getEnvironment(), OnnxRuntime.environment());
    }
}
