package dev.genbench.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictionsCollectorTest {

    @Test
    void cropsOfAnImageAreFusedByTheirMeanAndTheCropIndexBecomesGlobal() {
        var c = new PredictionsCollector();
        // Batch 1: image 0 (id 7, real) has two crops; image 1 (id 8, fake of generator 2) has one.
        c.add(new PredictionsCollector.CropBatch(new float[] {0.2f, 0.4f, 0.9f}, new float[] {0.1f, 0.3f, 0.5f},
                new long[] {0, 0, 1}, new long[] {0, 0, 2}, new long[] {7, 7, 8}, new int[] {0, 0, 1}));
        // Batch 2 numbers its images from 0 again; its crops arrive out of image order.
        c.add(new PredictionsCollector.CropBatch(new float[] {0.6f, 0.3f, 0.5f}, new float[] {0.2f, 0.2f, 0.4f},
                new long[] {1, 0, 1}, new long[] {1, 0, 1}, new long[] {10, 9, 10}, new int[] {1, 0, 1}));
        PredictionsFile p = c.build(List.of("", "A", "B"), List.of(List.of("A", "B")), Map.of(7L, 2L, 9L, 1L)::get);
        assertArrayEquals(new long[] {7, 8, 9, 10}, p.fusedIdentifiers());
        assertArrayEquals(new float[] {0.3f, 0.9f, 0.3f, 0.55f}, p.fusedScores(), 1e-7f);
        assertArrayEquals(new float[] {0.2f, 0.5f, 0.2f, 0.3f}, p.fusedLosses(), 1e-7f);
        assertArrayEquals(new long[] {0, 0, 1, 3, 2, 3}, p.cropToImageIndex());
        assertArrayEquals(new long[] {0, 2, 0, 1}, p.fusedGeneratorIds());
        assertArrayEquals(new long[] {2, -1, 1, -1}, p.pairing());
        c.reset();
        assertEquals(0, c.images());
    }
}
