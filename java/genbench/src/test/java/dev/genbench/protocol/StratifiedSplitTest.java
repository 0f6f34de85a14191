package dev.genbench.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genbench.console.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StratifiedSplitTest {

    private static void check(JsonNode ref) {
        for (JsonNode c : ref.get("sklearn_stratified")) {
            int[] labels = RngReference.ints(c.get("labels"));
            int[] items = IntStream.range(500, 500 + labels.length).toArray();
            int[] train = StratifiedSplit.trainPart(items, labels, c.get("train_size").asInt(), c.get("seed").asLong(), "test");
            assertArrayEquals(RngReference.ints(c.get("train")), train, "seed " + c.get("seed") + " sizes " + c.get("train_size"));
        }
    }

    @Test
    void trainPartMatchesCommittedScikitLearnSplits() {
        check(RngReference.committed());
    }

    @Test
    void trainPartMatchesLiveScikitLearnSplits() {
        var live = RngReference.live();
        assumeTrue(live.isPresent(), () -> "live scikit-learn comparison skipped: " + RngReference.liveSkipReason());
        check(live.get());
    }

    @Test
    void surplusFakesAndValidationSubsetMatchTheOriginal() {
        JsonNode ref = RngReference.committed().get("balancing");
        List<String> names = List.of("", "A", "B", "C");
        List<String> labels = new ArrayList<>();
        ref.get("labels").forEach(n -> labels.add(n.asText()));
        int[] gen = labels.stream().mapToInt(names::indexOf).toArray();
        long[] ids = new long[gen.length];
        Arrays.setAll(ids, i -> i);
        LabelledSplit val = new LabelledSplit("validation", names, gen, ids);
        int[] balanced = RngReference.ints(ref.get("balanced_no_subset"));
        int[] perm = NumpyRandom.permutation(1340, balanced.length);
        int[] expected = new int[balanced.length];
        for (int i = 0; i < perm.length; i++) {
            expected[i] = balanced[perm[i]];
        }
        assertArrayEquals(expected, EvaluationSet.build(val, EvaluationStage.TEST, SubsetSize.DISABLED).positions());
        assertArrayEquals(RngReference.ints(ref.get("subset22_shuffled")),
                EvaluationSet.build(val, EvaluationStage.VALIDATION, SubsetSize.of(22)).positions());
    }

    @Test
    void impossibleSplitsAreErrors() {
        int[] items = {1, 2, 3, 4};
        assertThrows(UserError.class, () -> StratifiedSplit.trainPart(items, new int[] {0, 0, 1, 1}, 4, 1, "x"));
        assertThrows(UserError.class, () -> StratifiedSplit.trainPart(items, new int[] {0, 0, 0, 1}, 2, 1, "x"));
        assertThrows(UserError.class, () -> StratifiedSplit.trainPart(items, new int[] {0, 0, 1, 1}, 1, 1, "x"));
    }
}
