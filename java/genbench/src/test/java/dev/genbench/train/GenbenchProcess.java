package dev.genbench.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The genbench CLI in a process of its own (this test JVM's runtime and class path), for tests that kill it. */
final class GenbenchProcess {
    private GenbenchProcess() {}

    record Outcome(int exit, String output) {}

    /** Where a crashed child JVM's hs_err report goes (kept after the test's temporary folders are gone). */
    static final Path CRASH_LOGS = Path.of("target/genbench-crashes").toAbsolutePath();

    /**
     * Runs {@code genbench <args>} in {@code workDir} and waits for it.
     *
     * @param models the model cards folder
     * @param fault a {@code GENBENCH_FAULT} rule, or null
     * @param onPause called when the process reports a paused fault point (to signal or kill it), or null
     */
    static Outcome run(Path workDir, Path models, List<String> args, Map<String, String> env, String fault, Consumer<Process> onPause)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Files.createDirectories(CRASH_LOGS);
        List<String> argv = new ArrayList<>(List.of(java, "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Dgenbench.models=" + models, "-XX:ErrorFile=" + CRASH_LOGS.resolve("hs_err_pid%p.log")));
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.genbench.cli.Main"));
        argv.addAll(args);
        var builder = new ProcessBuilder(argv).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().remove("GENBENCH_FAULT");
        builder.environment().putAll(env);
        if (fault != null) {
            builder.environment().put("GENBENCH_FAULT", fault);
        }
        Process p = builder.start();
        var out = new StringBuilder();
        try (var reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                out.append(line).append('\n');
                if (line.startsWith("genbench-fault: paused") && onPause != null) {
                    onPause.accept(p);
                }
            }
        }
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "genbench did not end:\n" + out);
        Path crash = CRASH_LOGS.resolve("hs_err_pid" + p.pid() + ".log");
        if (Files.exists(crash)) {
            // A crash in native code (ONNX Runtime, oneDNN, a mapped file): the JVM's report says where.
            out.append("the JVM crashed; its report, kept in ").append(crash).append(", begins:\n");
            Files.readAllLines(crash).stream().limit(60).forEach(l -> out.append(l).append('\n'));
        } else if (p.exitValue() == 139) {
            // SIGSEGV with no report: the JVM's handler had no stack left to run on, a native stack overflow.
            out.append("the JVM died of SIGSEGV without a report: a stack overflow in native code (see detector.OnnxRuntime)\n");
        }
        return new Outcome(p.exitValue(), out.toString());
    }

    /**
     * Whether this process ignores SIGINT, as the jobs that a shell without job control starts in the background
     * ({@code cmd &}, {@code nohup}) do: its children inherit that, and their JVM then leaves Ctrl-C ignored.
     */
    static boolean sigintIgnored() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    /** Sends a signal by name ({@code KILL}, {@code TERM}, {@code INT}) with kill(1); Process.destroy would close our pipes. */
    static void signal(Process p, String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
