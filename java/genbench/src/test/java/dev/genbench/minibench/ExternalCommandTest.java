package dev.genbench.minibench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalCommandTest {

    @Test
    void aFailingStepNamesItselfShowsTheOutputAndSaysHowToRetry(@TempDir Path dir) {
        var step = new ExternalCommand("downloading Debian packages with apt-get",
                List.of("bash", "-c", "echo 'E: Unable to locate package nosuchpkg'; exit 100"), dir);
        UserError e = assertThrows(UserError.class, () -> step.run(dir.resolve("logs/step.log")));
        assertTrue(e.getMessage().startsWith("downloading Debian packages with apt-get failed"), e.getMessage());
        assertTrue(e.getMessage().contains("exited with 100"), e.getMessage());
        assertTrue(e.getMessage().contains("Unable to locate package nosuchpkg"), e.getMessage());
        assertTrue(e.getMessage().contains("rerun `genbench make-mini-benchmark`, which resumes"), e.getMessage());
        assertTrue(Files.isRegularFile(dir.resolve("logs/step.log")));
    }

    @Test
    void aMissingToolIsNamed(@TempDir Path dir) {
        var step = new ExternalCommand("converting x to ONNX", List.of("no-such-tool-for-genbench"), dir);
        UserError e = assertThrows(UserError.class, () -> step.run(dir.resolve("step.log")));
        assertTrue(e.getMessage().contains("could not start `no-such-tool-for-genbench`"), e.getMessage());
    }
}
