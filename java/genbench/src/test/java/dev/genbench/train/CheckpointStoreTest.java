package dev.genbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.io.NpyArray;
import dev.genbench.io.StateFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir
    Path dir;

    private static StateFile state(long step) {
        return new StateFile(Map.of("head.bias", new NpyArray.Float32(new float[] {step}, new int[] {1})), Map.of("global_step", step));
    }

    private List<String> names(Path folder) {
        return ExperimentLayout.checkpointsNewestFirst(folder).stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void theNewestTwoVerifiedCheckpointsAreKeptAndATakenNameGetsAVersion() {
        var store = new CheckpointStore(dir);
        store.save(state(2), 0, 2);
        store.save(state(4), 0, 4);
        store.save(state(4), 0, 4); // a signal between two optimizer steps: same step, new state
        store.save(state(6), 1, 6);
        assertEquals(List.of("epoch=1-step=6.ckpt", "epoch=0-step=4-v1.ckpt"), names(dir));
    }

    @Test
    void aDamagedNewestCheckpointIsPassedOverWithAMessageForThePreviousOne() throws IOException {
        var store = new CheckpointStore(dir);
        store.save(state(2), 0, 2);
        Path newest = store.save(state(4), 0, 4);
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(bytes, bytes.length - 30)); // as a crash mid-copy leaves it
        var log = new ByteArrayOutputStream();
        PrintStream previous = Log.redirect(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            CheckpointStore.Loaded loaded = store.latestValid().orElseThrow();
            assertEquals("epoch=0-step=2.ckpt", loaded.file().getFileName().toString());
            assertEquals(2, loaded.state().longValue("global_step"));
        } finally {
            Log.redirect(previous);
        }
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("epoch=0-step=4.ckpt' is damaged or incomplete") && printed.contains("using the previous checkpoint"),
                printed);
    }

    @Test
    void leftoverTemporaryFilesOfAKilledWriteAreRemovedAndNeverRead() throws IOException {
        var store = new CheckpointStore(dir);
        store.save(state(2), 0, 2);
        Path leftover = dir.resolve(".epoch=0-step=4.ckpt.tmp-1f2e");
        Files.writeString(leftover, "half");
        assertEquals(List.of("epoch=0-step=2.ckpt"), names(dir));
        store.removeLeftovers();
        assertTrue(!Files.exists(leftover));
    }

    @Test
    void trainTimeIntervalReadsTimedeltaTextOrSeconds() {
        assertEquals(java.time.Duration.ofMinutes(30), CheckpointStore.parseInterval("0:30:00"));
        assertEquals(java.time.Duration.ofSeconds(90), CheckpointStore.parseInterval("90"));
        assertThrows(UserError.class, () -> CheckpointStore.parseInterval("half an hour"));
    }

    @Test
    void aSecondHolderOfTheExperimentLockIsRefusedWithThePidAndHost() {
        try (ExperimentLock first = ExperimentLock.acquire(dir)) {
            var e = assertThrows(UserError.class, () -> ExperimentLock.acquire(dir));
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid() + " on host "), e.getMessage());
        }
        try (ExperimentLock again = ExperimentLock.acquire(dir)) {
            assertTrue(Files.exists(dir.resolve(ExperimentLock.FILE)), "released on close, taken again");
        }
    }

    @Test
    void configDriftNamesEachDifferingKeyAndIgnoresTheRunIdentity() {
        String saved = "trainer:\n  max_epochs: 2\nexperiment_info:\n  experiment_id: null\ndata:\n  init_args: {train_batch_size: 4}\n";
        String now = "trainer:\n  max_epochs: 3\nexperiment_info:\n  experiment_id: 5\ndata:\n  init_args: {train_batch_size: 4}\n";
        assertEquals(List.of("trainer.max_epochs (was 2, now 3)"), ConfigDrift.differences(saved, now));
        assertEquals(ConfigDrift.hash(saved.replace("null", "9")), ConfigDrift.hash(saved));
    }
}
