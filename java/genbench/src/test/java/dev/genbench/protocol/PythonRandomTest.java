package dev.genbench.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PythonRandomTest {

    private static void checkCpython(JsonNode ref) {
        for (JsonNode c : ref.get("cpython")) {
            long seed = c.get("seed").asLong();
            PythonRandom r = new PythonRandom(seed);
            for (JsonNode v : c.get("uint32")) {
                assertEquals(v.asLong(), r.nextUint32(), "uint32 for seed " + seed);
            }
            for (Map.Entry<String, JsonNode> e : c.get("getrandbits").properties()) {
                int k = Integer.parseInt(e.getKey());
                r = new PythonRandom(seed);
                for (JsonNode v : e.getValue()) {
                    assertEquals(v.asLong(), r.getrandbits(k), "getrandbits(" + k + ") for seed " + seed);
                }
            }
            r = new PythonRandom(seed);
            for (JsonNode v : c.get("random")) {
                assertEquals(Double.parseDouble(v.asText()), r.random(), 0.0, "random() for seed " + seed);
            }
            r = new PythonRandom(seed);
            long[] bounds = {1, 2, 3, 10, 1000, 144000, Integer.MAX_VALUE};
            for (int i = 0; i < bounds.length; i++) {
                assertEquals(c.get("randbelow").get(i).asLong(), r.randbelow(bounds[i]), "randbelow(" + bounds[i] + ") for seed " + seed);
            }
        }
    }

    private static void checkSampleAndShuffle(JsonNode ref) {
        for (JsonNode c : ref.get("sample")) {
            int n = c.get("n").asInt();
            int k = c.get("k").asInt();
            PythonRandom r = new PythonRandom(c.get("seed").asLong());
            int[] result = r.sample(IntStream.range(100, 100 + n).toArray(), k);
            String what = "sample(n=" + n + ", k=" + k + ")";
            if (c.has("result")) {
                assertArrayEquals(RngReference.ints(c.get("result")), result, what);
            } else {
                assertEquals(c.get("digest").asText(), RngReference.digest(result), what);
            }
            assertEquals(c.get("next_uint32").asLong(), r.nextUint32(), "generator state after " + what);
        }
        for (JsonNode c : ref.get("shuffle")) {
            int[] x = IntStream.range(0, c.get("n").asInt()).toArray();
            new PythonRandom(c.get("seed").asLong()).shuffle(x);
            assertArrayEquals(RngReference.ints(c.get("result")), x, "shuffle seed " + c.get("seed"));
        }
    }

    @Test
    void outputsMatchCommittedCpythonSequences() {
        checkCpython(RngReference.committed());
    }

    @Test
    void sampleAndShuffleMatchCommittedCpythonSequencesForPoolAndSetMethods() {
        checkSampleAndShuffle(RngReference.committed());
    }

    @Test
    void outputsMatchLiveCpython() {
        var live = RngReference.live();
        assumeTrue(live.isPresent(), () -> "live CPython comparison skipped: " + RngReference.liveSkipReason());
        checkCpython(live.get());
        checkSampleAndShuffle(live.get());
    }

    @Test
    void committedFixtureIsWhatTheScriptPrintsNow() {
        var live = RngReference.live();
        assumeTrue(live.isPresent(), () -> "fixture freshness check skipped: " + RngReference.liveSkipReason());
        com.fasterxml.jackson.databind.node.ObjectNode now = live.get().deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode committed = RngReference.committed().deepCopy();
        for (String version : new String[] {"python", "numpy"}) {
            now.remove(version);
            committed.remove(version);
        }
        assertEquals(committed, now, "rng-fixtures.json is stale: regenerate it with src/test/python/make_rng_fixtures.py");
    }

    @Test
    void setSizeFollowsCpythonRule() {
        assertEquals(21, PythonRandom.sampleSetSize(5));
        assertEquals(21 + 64, PythonRandom.sampleSetSize(6)); // 3*6 = 18 -> 4^3
        assertEquals(21 + 65536, PythonRandom.sampleSetSize(16000)); // 48,000 -> 4^8, SPEC §3.6's 65,557
        for (int k = 6; k < 200_000; k += 7) {
            long expected = 21 + (long) Math.pow(4, Math.ceil(Math.log(3.0 * k) / Math.log(4)));
            assertEquals(expected, PythonRandom.sampleSetSize(k), "k=" + k);
        }
    }

    @Test
    void seedUsesMagnitudeSoNegativeSeedsRepeatPositiveOnes() {
        PythonRandom a = new PythonRandom(-12345);
        PythonRandom b = new PythonRandom(12345);
        for (int i = 0; i < 10; i++) {
            assertEquals(b.nextUint32(), a.nextUint32());
        }
    }
}
