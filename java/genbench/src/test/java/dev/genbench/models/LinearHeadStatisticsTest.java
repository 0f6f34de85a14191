package dev.genbench.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Feature statistics added chunk by chunk equal those of one pass (the probe run reads large caches in chunks). */
class LinearHeadStatisticsTest {

    @Test
    void chunkedStatisticsEqualOnePassAndTheTextbookValues() {
        int width = 3;
        int rows = 1000;
        var random = new SplittableRandom(5);
        float[] all = new float[rows * width];
        for (int i = 0; i < all.length; i++) {
            all[i] = (float) (random.nextGaussian() * (1 + i % width) + 10 * (i % width));
        }
        float[][] once = LinearHead.statistics(all, rows, width);
        var chunked = new LinearHead.Statistics(width);
        for (int start = 0; start < rows; start += 64) {
            int n = Math.min(64, rows - start);
            chunked.add(Arrays.copyOfRange(all, start * width, (start + n) * width), n);
        }
        float[][] parts = chunked.meanAndScale();
        assertArrayEquals(once[0], parts[0]);
        assertArrayEquals(once[1], parts[1]);
        for (int i = 0; i < width; i++) {
            double sum = 0;
            double squares = 0;
            for (int r = 0; r < rows; r++) {
                sum += all[r * width + i];
            }
            double mean = sum / rows;
            for (int r = 0; r < rows; r++) {
                squares += Math.pow(all[r * width + i] - mean, 2);
            }
            assertEquals(mean, once[0][i], 1e-4);
            assertEquals(1 / Math.sqrt(squares / rows), once[1][i], 1e-5);
        }
    }
}
