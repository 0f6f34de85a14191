package dev.genbench.protocol;

import dev.genbench.metrics.Mechanism;
import dev.genbench.config.ExperimentInfo.BenchmarkType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genbench.console.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationSetTest {

    private static int[] pairingAsIdGeneratorPairs(EvaluationSet set) {
        List<long[]> pairs = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            if (set.pairedGenerator()[i] >= 0) {
                pairs.add(new long[] {set.sampleId(i), set.pairedGenerator()[i]});
            }
        }
        pairs.sort((a, b) -> Long.compare(a[0], b[0]));
        int[] flat = new int[pairs.size() * 2];
        for (int i = 0; i < pairs.size(); i++) {
            flat[2 * i] = (int) pairs.get(i)[0];
            flat[2 * i + 1] = (int) pairs.get(i)[1];
        }
        return flat;
    }

    @Test
    void v1ShapedValidationKeepsAllWhenBalancedAndMatchesShuffleAndPairingOfOriginal() {
        JsonNode ref = RngReference.committed().get("protocol_v1");
        LabelledSplit val = SyntheticSplits.layout("validation", SyntheticSplits.sortedBenchmarkNames(), 1000, 36_000);
        EvaluationSet v = EvaluationSet.build(val, EvaluationStage.VALIDATION, SubsetSize.DISABLED);
        assertEquals(72_000, v.size());
        assertArrayEquals(RngReference.ints(ref.get("validation_order_first10")), Arrays.copyOf(v.positions(), 10));
        assertEquals(ref.get("validation_order_digest").asText(), RngReference.digest(v.positions()));
        assertEquals(ref.get("validation_pairing_digest").asText(), RngReference.digest(pairingAsIdGeneratorPairs(v)));
        EvaluationSet t = EvaluationSet.build(val, EvaluationStage.TEST, SubsetSize.DISABLED);
        assertArrayEquals(v.positions(), t.positions(), "test sees the validation images in the same order");
        assertEquals(ref.get("test_pairing_digest").asText(), RngReference.digest(pairingAsIdGeneratorPairs(t)));
        // Every generator gets exactly its 1,000 fakes plus 1,000 paired reals.
        assertEquals(2000, v.indicesFor(List.of("DALL-E 3")).length);
        assertEquals(36_000, v.indicesFor(List.of("")).length);
    }

    @Test
    void surplusRealsAreBalancedWithSeed1338AsTheOriginal() {
        JsonNode ref = RngReference.committed().get("protocol_v1");
        List<String> gens = new ArrayList<>();
        ref.get("surplus_generators").forEach(n -> gens.add(n.asText()));
        LabelledSplit val = SyntheticSplits.layout("validation", gens, 20, 100);
        EvaluationSet v = EvaluationSet.build(val, EvaluationStage.VALIDATION, SubsetSize.DISABLED);
        assertArrayEquals(RngReference.ints(ref.get("surplus_order")), v.positions());
        int[] expectedPairs = new int[ref.get("surplus_pairing").size() * 2];
        for (int i = 0; i < expectedPairs.length / 2; i++) {
            expectedPairs[2 * i] = ref.get("surplus_pairing").get(i).get(0).asInt();
            expectedPairs[2 * i + 1] = ref.get("surplus_pairing").get(i).get(1).asInt();
        }
        assertArrayEquals(expectedPairs, pairingAsIdGeneratorPairs(v));
    }

    @Test
    void surplusFakesAreBalancedStratifiedByGenerator() {
        LabelledSplit val = SyntheticSplits.layout("validation", List.of("A", "B"), 30, 20);
        EvaluationSet v = EvaluationSet.build(val, EvaluationStage.TEST, SubsetSize.DISABLED);
        assertEquals(40, v.size());
        assertEquals(10, v.indicesFor(List.of("A")).length / 2);
    }

    @Test
    void validationSubsetThatBreaksBalanceIsAnError() {
        LabelledSplit val = SyntheticSplits.layout("validation", List.of("A", "B", "C"), 10, 30);
        // 61 of 60 is impossible; 7 of 60 keeps 3 reals and 4 fakes at most -> imbalance 1 is accepted.
        assertThrows(UserError.class, () -> EvaluationSet.build(val, EvaluationStage.VALIDATION, SubsetSize.of(61)));
        EvaluationSet small = EvaluationSet.build(val, EvaluationStage.VALIDATION, SubsetSize.of(0.5));
        assertEquals(30, small.size());
    }

    @Test
    void mechanismsPickFakesOfTheirGeneratorsPlusPairedReals() {
        GeneratorCatalogue v1 = GeneratorCatalogue.benchmark();
        LabelledSplit val = SyntheticSplits.layout("validation", SyntheticSplits.sortedBenchmarkNames(), 10, 360);
        EvaluationSet set = EvaluationSet.build(val, EvaluationStage.VALIDATION, SubsetSize.DISABLED);
        WindowsTimeline t = WindowsTimeline.build(v1, v1.names(), BenchmarkType.CUMULATIVE, 4);
        assertEquals(t.window(1), t.generatorsFor(Mechanism.IMMEDIATE_FUTURE, 0));
        assertEquals(t.window(8), t.generatorsFor(Mechanism.IMMEDIATE_FUTURE, 8));
        assertEquals(12, t.generatorsFor(Mechanism.GROWING, 2).size());
        assertEquals(16, t.generatorsFor(Mechanism.GROWING_WHOLE, 2).size());
        assertEquals(36, t.generatorsFor(Mechanism.GROWING_WHOLE, 8).size());
        assertEquals(0, t.generatorsFor(Mechanism.PAST, 0).size());
        assertEquals(8, t.generatorsFor(Mechanism.PAST, 2).size());
        int[] idx = set.indicesFor(t.generatorsFor(Mechanism.IMMEDIATE_FUTURE, 0));
        assertEquals(80, idx.length);
        int fakes = 0;
        for (int i : idx) {
            String g = val.generator(set.positions()[i]);
            if (!g.isEmpty()) {
                fakes++;
                assertTrue(t.window(1).contains(g));
            } else {
                assertTrue(t.window(1).contains(val.generatorNames().get(set.pairedGenerator()[i])));
            }
        }
        assertEquals(40, fakes);
        for (int k = 1; k < idx.length; k++) {
            assertTrue(idx[k] > idx[k - 1], "indices stay in evaluation order");
        }
    }

    @Test
    void shardsPartitionTheOrderDeterministically() {
        int[] order = NumpyRandom.permutation(7, 10);
        int[] all = new int[0];
        for (int s = 0; s < 3; s++) {
            all = TrainingSets.concat(all, Sharding.shard(order, s, 3));
        }
        Arrays.sort(all);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all);
        assertArrayEquals(new int[] {order[1], order[4], order[7]}, Sharding.shard(order, 1, 3));
        assertEquals(0, Sharding.shard(new int[2], 2, 3).length);
        assertThrows(UserError.class, () -> Sharding.shard(order, 3, 3));
        assertArrayEquals(Sharding.shuffled(order, 5), Sharding.shuffled(order, 5));
        assertArrayEquals(new int[] {order[0], order[1], order[2], order[3]}, Sharding.block(order, 0, 3));
        assertArrayEquals(new int[] {order[4], order[5], order[6]}, Sharding.block(order, 1, 3));
        assertArrayEquals(new int[] {order[7], order[8], order[9]}, Sharding.block(order, 2, 3));
        assertEquals(0, Sharding.block(new int[2], 2, 3).length);
    }
}
