package dev.genbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.genbench.evaluate.EvaluationOptions;
import dev.genbench.evaluate.MiniExperiment;
import dev.genbench.evaluate.PredictionsEvaluator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens report.html in headless Chromium (Debian's {@code chromium}): the page must render to a
 * screenshot with no console message at all (it has no script, so any message is a problem) and its
 * charts must be in the rendered DOM. Skips, saying why, where Chromium is missing.
 */
class ReportRendersInChromiumTest {
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));

    @Test
    void reportRendersWithoutConsoleErrors(@TempDir Path dir) throws Exception {
        Path chromium = CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (chromium == null) {
            System.out.println("[skipped] headless Chromium is missing: apt-get install chromium to render report.html");
        }
        assumeTrue(chromium != null, "headless Chromium is missing: apt-get install chromium to render report.html");
        // Benchmark-sized: 36 generators in 9 windows, for two experiments, one stopped after 6 windows.
        var timeline = MiniExperiment.BENCHMARK_TIMELINE;
        var names = MiniExperiment.namesOf(timeline);
        MiniExperiment.write(dir.resolve("experiment_0"), names, timeline, 9, 20, 7);
        MiniExperiment.write(dir.resolve("experiment_1"), names, timeline, 6, 20, 8);
        var experiments = List.of(
                PredictionsEvaluator.evaluateExperiment(dir.resolve("experiment_0"), EvaluationOptions.defaults()),
                PredictionsEvaluator.evaluateExperiment(dir.resolve("experiment_1"), EvaluationOptions.defaults()));
        var written = ReportWriter.write(dir.resolve("report"), experiments, ReportWriterTest.throughput(dir));
        Path png = dir.resolve("report.png");

        Run shot = chromium(chromium, dir, "--screenshot=" + png, "--window-size=1280,4400", written.html().toUri().toString());
        assertEquals(0, shot.exit(), shot.stderr());
        assertTrue(Files.size(png) > 10_000, "screenshot is too small to hold the report");
        List<String> console = shot.stderr().lines().filter(l -> l.contains("CONSOLE")).toList();
        assertEquals(List.of(), console, "console messages while rendering the report");

        Run dom = chromium(chromium, dir, "--dump-dom", written.html().toUri().toString());
        assertEquals(0, dom.exit(), dom.stderr());
        assertTrue(dom.stdout().contains("<svg") && dom.stdout().contains("Leaderboard"), "rendered DOM lacks the charts");
        Path keep = Path.of("target", "report-screenshot.png");
        Files.createDirectories(keep.getParent());
        Files.copy(png, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private record Run(int exit, String stdout, String stderr) {}

    private static Run chromium(Path chromium, Path dir, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + dir.resolve("chromium-profile"), "--hide-scrollbars"));
        command.addAll(List.of(args));
        Path out = dir.resolve("chromium.out"), err = dir.resolve("chromium.err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
