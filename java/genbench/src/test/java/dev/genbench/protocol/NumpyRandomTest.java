package dev.genbench.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NumpyRandomTest {

    private static void check(JsonNode ref) {
        for (JsonNode c : ref.get("numpy_default_rng")) {
            long seed = c.get("seed").asLong();
            NumpyRandom rng = new NumpyRandom(seed);
            for (long v : RngReference.longs(c.get("raw_uint64"))) {
                assertEquals(v, rng.nextUint64(), "raw PCG64 output for seed " + seed);
            }
            for (Map.Entry<String, JsonNode> e : c.get("permutation").properties()) {
                int n = Integer.parseInt(e.getKey());
                assertArrayEquals(RngReference.ints(e.getValue()), NumpyRandom.permutation(seed, n), "permutation(" + n + ") seed " + seed);
            }
            rng = new NumpyRandom(seed);
            for (long v : RngReference.longs(c.get("integers_2p40p7"))) {
                assertEquals(v, rng.boundedInclusive((1L << 40) + 6), "64-bit bounded draw for seed " + seed);
            }
        }
    }

    @Test
    void pcg64OutputsPermutationsAndBoundedDrawsMatchCommittedNumpy() {
        check(RngReference.committed());
    }

    @Test
    void pcg64OutputsPermutationsAndBoundedDrawsMatchLiveNumpy() {
        var live = RngReference.live();
        assumeTrue(live.isPresent(), () -> "live NumPy comparison skipped: " + RngReference.liveSkipReason());
        check(live.get());
    }

    @Test
    void permutationIsABijection() {
        int[] p = NumpyRandom.permutation(1340, 72_000);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
    }
}
