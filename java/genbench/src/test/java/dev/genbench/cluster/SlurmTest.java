package dev.genbench.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlurmTest {
    @TempDir
    Path dir;

    @Test
    void scriptsFillTheCacheAsAnArrayThenRunEachWindowRequeueSafe() throws IOException {
        var plan = new Slurm.Plan(dir, Path.of("/opt/genbench/genbench"), Path.of("/data/run"),
                List.of("--config", "/cfg/pipe line.yaml", "--trainer.max_epochs=2"), "paper1", 2, 3, List.of("--partition=gpu"), 90);
        List<Path> scripts = Slurm.writeScripts(plan);
        assertEquals(List.of("cache_features.sbatch", "window_0.sbatch", "window_1.sbatch"),
                scripts.stream().map(p -> p.getFileName().toString()).toList());
        String cache = Files.readString(scripts.get(0));
        assertTrue(cache.contains("#SBATCH --array=0-2\n") && cache.contains("#SBATCH --requeue\n")
                && cache.contains("#SBATCH --partition=gpu\n") && cache.contains("#SBATCH --chdir=/data/run\n"), cache);
        assertTrue(cache.contains("exec '/opt/genbench/genbench' 'cache-features' '--config' '/cfg/pipe line.yaml'"
                + " '--trainer.max_epochs=2' '--shard' \"${SLURM_ARRAY_TASK_ID}/3\"\n"), cache);
        String window = Files.readString(scripts.get(2));
        assertTrue(window.contains("#SBATCH --signal=B:USR1@90\n") && window.contains("#SBATCH --requeue\n"), window);
        assertTrue(window.contains("'--experiment_info.experiment_id=paper1' '--experiment_info.sliding_windows_definition.current_window=1'"),
                window);
    }

    @Test
    void quotingKeepsSingleQuotesLiteral() {
        assertEquals("'it'\\''s'", Slurm.quote("it's"));
    }
}
