package dev.genbench.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's own Python 3 with its NumPy and scikit-learn packages ({@code python3-numpy},
 * {@code python3-sklearn}), the reference that metric and file-format tests compare with. Debian's
 * interpreter is named by path because a {@code python3} earlier on PATH (pyenv, a virtualenv) may lack
 * these modules. Tests that need it skip, saying why, where it is missing.
 */
public final class ReferencePython {
    public static final Path INTERPRETER = Path.of("/usr/bin/python3");
    /** Scripts kept beside the tests, relative to the module directory Surefire runs in. */
    public static final Path SCRIPTS = Path.of("src/test/python");

    private static final java.util.Map<String, String> AVAILABILITY = new java.util.concurrent.ConcurrentHashMap<>();

    private ReferencePython() {}

    /** Skips the calling test, printing the reason, unless the interpreter imports every module named. */
    public static void assumeModules(String... modules) {
        String key = String.join(",", modules);
        String problem = AVAILABILITY.computeIfAbsent(key, k -> probe(modules));
        if (!problem.isEmpty()) {
            System.out.println("[skipped] " + problem);
        }
        assumeTrue(problem.isEmpty(), problem);
    }

    private static String probe(String... modules) {
        if (!Files.isExecutable(INTERPRETER)) {
            return INTERPRETER + " is missing: install Debian's python3 with " + String.join(", ", modules)
                    + " to run this comparison";
        }
        try {
            Result r = run(List.of("-c", "import " + String.join(", ", modules)), 60);
            return r.exitCode() == 0 ? ""
                    : INTERPRETER + " cannot import " + String.join(", ", modules)
                            + " (apt-get install python3-numpy python3-sklearn): " + r.stderr().strip();
        } catch (IOException e) {
            return "cannot start " + INTERPRETER + ": " + e.getMessage();
        }
    }

    public record Result(int exitCode, String stdout, String stderr) {}

    /** Runs the interpreter with these arguments; fails the test on a time-out. */
    public static Result run(List<String> args, int timeoutSeconds) throws IOException {
        var command = new ArrayList<String>();
        command.add(INTERPRETER.toString());
        command.addAll(args);
        Path out = Files.createTempFile("genbench-python", ".out");
        Path err = Files.createTempFile("genbench-python", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("python timed out after " + timeoutSeconds + " s: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running python", e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs and fails the test with Python's error output unless it exits with 0. */
    public static String runOk(List<String> args, int timeoutSeconds) throws IOException {
        Result r = run(args, timeoutSeconds);
        if (r.exitCode() != 0) {
            throw new AssertionError("python exited with " + r.exitCode() + ":\n" + r.stderr());
        }
        return r.stdout();
    }
}
