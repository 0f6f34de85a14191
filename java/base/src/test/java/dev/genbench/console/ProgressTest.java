package dev.genbench.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void plainModePrintsCountsRateAndEtaWithoutRedrawing() {
        var bytes = new ByteArrayOutputStream();
        var out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        var plain = new Progress.Plain("caching", 100, "img", out, Duration.ofHours(1).toNanos(), 0L);
        plain.step(25);
        String line = plain.line(5_000_000_000L);
        assertEquals("caching: 25/100 (25.0%), 5.0 img/s, elapsed 0:00:05, ETA 0:00:15", line);
        plain.status("loss 0.41");
        plain.close();
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.endsWith("loss 0.41 done" + System.lineSeparator()), printed);
        assertTrue(!printed.contains("\r"), "plain mode must not redraw lines");
    }

    @Test
    void plainModePrintsAtTheIntervalOnly() {
        var bytes = new ByteArrayOutputStream();
        var out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Progress p = Progress.start("loop", 0, "it", Progress.Mode.PLAIN, out, Duration.ofHours(1))) {
            for (int i = 0; i < 1000; i++) {
                p.step();
            }
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\\R");
        assertEquals(1, lines.length, "only the closing line is expected within the interval");
        assertTrue(lines[0].startsWith("loop: 1000, "), lines[0]);
    }
}
