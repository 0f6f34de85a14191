package dev.genbench.minibench;

import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one external tool of the build (apt-get, dpkg-deb, npm, node) in a folder, its output kept in a log
 * file beside the work so that a failure can name the step, show the tail and say how to retry.
 */
record ExternalCommand(String step, List<String> argv, Path workDir) {

    ExternalCommand {
        argv = List.copyOf(argv);
    }

    /** Runs the command; on a non-zero exit throws a UserError naming the step, the tail of its output and the retry. */
    void run(Path logFile) {
        Log.debug("%s: %s (in %s)", step, String.join(" ", argv), workDir);
        try {
            Files.createDirectories(logFile.getParent());
            Process process = new ProcessBuilder(argv)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            int rc = process.waitFor();
            if (rc != 0) {
                throw new UserError(step + " failed (`" + String.join(" ", argv) + "` exited with " + rc + ": "
                        + tail(logFile) + "); check the network and the package manager's configuration, then rerun"
                        + " `genbench make-mini-benchmark`, which resumes where it stopped.");
            }
        } catch (IOException e) {
            throw new UserError(step + " could not start `" + argv.getFirst() + "` (" + e.getMessage()
                    + "); install it or put it on PATH, then rerun `genbench make-mini-benchmark`.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError(step + " was interrupted; rerun `genbench make-mini-benchmark` to resume.", e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "no output" : String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())).strip();
        } catch (IOException e) {
            return "no readable output";
        }
    }
}
