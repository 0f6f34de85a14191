package dev.genbench.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CropFusionTest {

    @Test
    void consecutiveCropsOfOneIdentifierBecomeOneImageWithTheirMeanScore() {
        var fused = CropFusion.fuse(new float[] {0.2f, 0.4f, 0.6f, 0.9f, 0.1f, 0.3f, 0.5f},
                new long[] {3, 3, 3, 0, 1, 1, 3}, new long[] {5, 5, 5, 7, 9, 9, 5});
        // The trailing crop of image 5 is not adjacent to the others: it counts as an image of its own.
        assertArrayEquals(new long[] {5, 7, 9, 5}, fused.identifiers());
        assertArrayEquals(new long[] {3, 0, 1, 3}, fused.generatorIds());
        assertArrayEquals(new int[] {0, 3, 4, 6}, fused.firstCrop());
        assertArrayEquals(new float[] {(0.2f + 0.4f + 0.6f) / 3f, 0.9f, (0.1f + 0.3f) / 2f, 0.5f}, fused.scores());
    }

    @Test
    void noCropsGiveNoImages() {
        assertEquals(0, CropFusion.fuse(new float[0], new long[0], new long[0]).size());
    }

    @Test
    void pairwiseSumEqualsExactSumWithinFloat32RoundingAndGroupsLikeNumPy() {
        // NumPy sums 8 interleaved partial sums: for n = 9 the ninth value joins after them.
        float[] a = {1e8f, 1f, -1e8f, 1f, 0f, 0f, 0f, 0f, 1f};
        float r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
        float expected = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)) + a[8];
        assertEquals(expected, CropFusion.pairwiseSum(a, 0, 9));
        var rng = new SplittableRandom(1);
        for (int n = 1; n < 600; n += 7) {
            float[] v = new float[n];
            double exact = 0;
            for (int i = 0; i < n; i++) {
                v[i] = (float) rng.nextDouble();
                exact += v[i];
            }
            assertEquals(exact, CropFusion.pairwiseSum(v, 0, n), n * 1e-6);
        }
    }
}
