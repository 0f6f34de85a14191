package dev.genbench.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AugmentationSeedsTest {

    @Test
    void replicaBaseFollowsSpecFormula() {
        AugmentationSeeds seeds = new AugmentationSeeds(4321, 4);
        assertEquals(4321, seeds.replicaBase(0));
        assertEquals(4321 + (1L << 27), seeds.replicaBase(1));
        assertEquals(4321 + 3 * (1L << 27), seeds.replicaBase(3));
        // (base + 16·2^27) mod 2^31 wraps to base.
        assertEquals(4321, seeds.replicaBase(16));
    }

    @Test
    void itemSeedIsReplicaBasePlusSampleIndex() {
        AugmentationSeeds seeds = new AugmentationSeeds(4321, 4);
        assertEquals(4321 + 7, seeds.itemSeed(7, 0));
        assertEquals(4321 + (1L << 27) + 7, seeds.itemSeed(7, 1));
    }

    @Test
    void datasetIndexMapsToReplicaModAndSampleDiv() {
        AugmentationSeeds seeds = new AugmentationSeeds(4321, 4);
        // j = 10 → r = 2, i = 2 (the code's layout, SPEC §12 item 18).
        assertEquals(2, seeds.replicaOf(10));
        assertEquals(2, seeds.sampleOf(10));
        assertEquals(seeds.itemSeed(2, 2), seeds.seedOfDatasetIndex(10));
        assertEquals(40, seeds.datasetSize(10));
    }

    @Test
    void evaluationUsesReplicaZeroAndBasePlusPosition() {
        AugmentationSeeds seeds = AugmentationSeeds.evaluation(4321);
        assertEquals(4321 + 99, seeds.seedOfDatasetIndex(99));
    }

    @Test
    void seedsAtOrAboveTwoToThe31AreRefused() {
        AugmentationSeeds seeds = new AugmentationSeeds((1L << 31) - 5, 1);
        assertEquals((1L << 31) - 1, seeds.itemSeed(4, 0));
        assertThrows(IllegalArgumentException.class, () -> seeds.itemSeed(5, 0));
    }

    @Test
    void sameSeedGivesSameStreamAndNeighboursDiffer() {
        SeededRng a = new SeededRng(4321);
        SeededRng b = new SeededRng(4321);
        SeededRng c = new SeededRng(4322);
        for (int k = 0; k < 100; k++) {
            double x = a.nextDouble();
            assertEquals(x, b.nextDouble());
            assertNotEquals(x, c.nextDouble());
        }
    }

    @Test
    void intInclusiveCoversBothEnds() {
        SeededRng rng = new SeededRng(1);
        boolean sawLo = false;
        boolean sawHi = false;
        for (int k = 0; k < 10_000; k++) {
            int v = rng.intInclusive(256, 512);
            sawLo |= v == 256;
            sawHi |= v == 512;
            if (v < 256 || v > 512) {
                throw new AssertionError("out of range: " + v);
            }
        }
        assertEquals(true, sawLo && sawHi);
    }
}
