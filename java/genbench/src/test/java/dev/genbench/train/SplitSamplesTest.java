package dev.genbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.config.DatasetFormat;
import dev.genbench.console.UserError;
import dev.genbench.image.DecodeLimits;
import dev.genbench.image.ImageDecoder;
import dev.genbench.protocol.BenchmarkData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The loader names dataset images by split, row and file_id, so a bad image in a run is found at once. */
class SplitSamplesTest {

    @Test
    void samplesAreNamedBySplitRowAndFileIdAndABadImageIsReportedWithThatName() {
        try (BenchmarkData data = BenchmarkData.open(ProbeRunTest.HF_SMALL, DatasetFormat.HF_DISK, Optional.empty())) {
            var samples = new SplitSamples(data.validation(), new int[] {3, 0});
            assertEquals(2, samples.size());
            var sample = samples.read(0);
            assertEquals(data.validation().describe(3), sample.id());
            assertTrue(sample.id().contains("validation") && sample.id().contains("row") && sample.id().contains("file_id"),
                    sample.id());
            var decoder = new ImageDecoder(DecodeLimits.DEFAULT);
            decoder.decode(sample.bytes(), sample.id()).close();
            byte[] truncated = Arrays.copyOf(sample.bytes(), sample.bytes().length / 3);
            UserError e = assertThrows(UserError.class, () -> decoder.decode(truncated, sample.id()));
            assertTrue(e.getMessage().contains(sample.id()), e.getMessage());
        }
    }
}
