package dev.genbench.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardWriterTest {

    @Test
    void independentReaderDecodesTheVersionEventThenEveryScalarWithItsStep(@TempDir Path dir) throws IOException {
        double[] clock = {1_700_000_000.25};
        Path file;
        try (var tb = TensorBoardWriter.open(dir.resolve("experiment_0/window_1"), () -> clock[0])) {
            file = tb.file();
            tb.scalar("train_loss_step", 0.6931, 3);
            clock[0] += 1.5;
            var values = new LinkedHashMap<String, Double>();
            values.put("immediate_future_validate_BinaryAUROC_epoch/all", 0.875);
            values.put("validate_BinaryRecall_epoch/Stable_Diffusion_1_4", 0.5);
            tb.scalars(values, 250);
        }
        List<EventFileReader.Event> events = EventFileReader.read(file);
        assertEquals(3, events.size());
        assertEquals("brain.Event:2", events.get(0).fileVersion());
        assertEquals(1_700_000_000.25, events.get(0).wallTime());
        assertEquals(3, events.get(1).step());
        assertEquals(0.6931f, events.get(1).scalars().get("train_loss_step"));
        assertEquals(250, events.get(2).step());
        assertEquals(1_700_000_001.75, events.get(2).wallTime());
        assertEquals(List.of("immediate_future_validate_BinaryAUROC_epoch/all",
                "validate_BinaryRecall_epoch/Stable_Diffusion_1_4"), List.copyOf(events.get(2).scalars().keySet()));
        assertEquals(0.875f, events.get(2).scalars().get("immediate_future_validate_BinaryAUROC_epoch/all"));
    }

    @Test
    void fileIsNamedAsTensorBoardNamesItsOwn(@TempDir Path dir) {
        try (var tb = TensorBoardWriter.open(dir, () -> 1_700_000_123.9)) {
            assertTrue(tb.file().getFileName().toString().matches("events\\.out\\.tfevents\\.1700000123\\.[^/]+\\.\\d+\\.\\d+"),
                    tb.file().toString());
        }
    }

    @Test
    void aFlippedBitFailsTheReadersCrcCheck(@TempDir Path dir) throws IOException {
        Path file;
        try (var tb = TensorBoardWriter.open(dir)) {
            file = tb.file();
            tb.scalar("val_loss", 0.25, 7);
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 6] ^= 0x01; // inside the last record's data
        Files.write(file, bytes);
        var e = assertThrows(EventFileReader.CorruptRecord.class, () -> EventFileReader.read(file));
        assertTrue(e.getMessage().contains("data CRC mismatch"), e.getMessage());
    }

    @Test
    void maskedCrcMatchesThePublishedCheckValueAndMask() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        // CRC32C's published check value for "123456789".
        assertEquals(0xE3069283, EventFileReader.crc32c(check));
        assertEquals(EventFileReader.masked(0xE3069283), TfRecord.maskedCrc32c(check, 0, check.length));
    }

    @Test
    void writingAfterCloseFailsAndClosingTwiceIsHarmless(@TempDir Path dir) {
        var tb = TensorBoardWriter.open(dir);
        tb.close();
        tb.close();
        assertThrows(IllegalStateException.class, () -> tb.scalar("x", 1, 1));
    }

    @Test
    void scalarsReadBackInFileOrderAndATruncatedTailIsIgnored(@TempDir Path dir) throws IOException {
        Path file;
        try (var tb = TensorBoardWriter.open(dir, () -> 10.0)) {
            file = tb.file();
            tb.scalar("train_images_per_sec", 812.5, 1);
            tb.scalar("train_images_per_sec", 840.0, 2);
        }
        var scalars = TensorBoardEvents.readScalars(file);
        assertEquals(List.of(new TensorBoardEvents.Scalar("train_images_per_sec", 1, 10.0, 812.5f),
                new TensorBoardEvents.Scalar("train_images_per_sec", 2, 10.0, 840.0f)), scalars);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 7));
        assertEquals(1, TensorBoardEvents.readScalars(file).size());
        bytes[bytes.length - 6] ^= 1;
        Files.write(file, bytes);
        var e = assertThrows(dev.genbench.console.UserError.class, () -> TensorBoardEvents.readScalars(file));
        assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
    }
}
