package dev.genbench.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code .ci/slurm-test}: a real one-node SLURM started on this machine runs an experiment's windows
 * as jobs, one is pre-empted mid-window and requeues itself, and the results equal a local run's. Skipped,
 * with the script's reason, where SLURM cannot be installed or started (not root, no packages).
 */
@Tag("slurm")
@Tag("slow")
class LocalSlurmClusterTest {

    @Test
    void windowsRunAsSlurmJobsAndAPreemptedOneResumesToTheLocalResult() throws Exception {
        Path root = Path.of("../..").toAbsolutePath().normalize();
        Process p = new ProcessBuilder(root.resolve(".ci/slurm-test").toString()).directory(root.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(40, TimeUnit.MINUTES);
        System.out.println(out);
        assumeFalse(out.contains("skipped: "), () -> out.substring(out.indexOf("skipped: ")).lines().findFirst().orElse(""));
        assertEquals(0, p.exitValue(), out);
        org.junit.jupiter.api.Assertions.assertTrue(out.contains("SLURM test passed"), out);
    }
}
