package dev.genbench.protocol;

import dev.genbench.config.ExperimentInfo.BenchmarkType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genbench.console.UserError;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainingSetsTest {
    private static final GeneratorCatalogue ABC = GeneratorCatalogue.parseCsv("A,2020-01-01\nB,2020-02-01\nC,2020-03-01\n", "abc.csv");

    private static LabelledSplit smallTrain() {
        // names: "", A, B, C -> ids 0..3; row order: A, B, real, C, real, real, A, C, real, C, real, real
        int[] gen = {1, 2, 0, 3, 0, 0, 1, 3, 0, 3, 0, 0};
        long[] ids = new long[gen.length];
        Arrays.setAll(ids, i -> 100 + i);
        return new LabelledSplit("train", List.of("", "A", "B", "C"), gen, ids);
    }

    @Test
    void continualWindowsDrawRealsWithSeed1337PlusWindowFromSortedRemainingReals() {
        LabelledSplit train = smallTrain();
        WindowsTimeline t = WindowsTimeline.build(ABC, List.of("A", "B", "C"), BenchmarkType.CONTINUAL_LEARNING, 1);
        int[][] w = TrainingSets.windows(train, t);
        int[] reals = {2, 4, 5, 8, 10, 11};
        // Hand-worked: window 0 has fakes A = {0, 6}; two reals drawn from all six.
        int[] r0 = new PythonRandom(1337).sample(reals, 2);
        assertArrayEquals(new int[] {r0[0], r0[1], 0, 6}, w[0]);
        Set<Integer> left = new HashSet<>();
        for (int r : reals) {
            left.add(r);
        }
        left.remove(r0[0]);
        left.remove(r0[1]);
        int[] rest = left.stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] r1 = new PythonRandom(1338).sample(rest, 1);
        assertArrayEquals(new int[] {r1[0], 1}, w[1]);
        assertEquals(6, w[2].length);
        assertArrayEquals(new int[] {3, 7, 9}, Arrays.copyOfRange(w[2], 3, 6));
        Set<Integer> allReals = new HashSet<>();
        for (int[] win : w) {
            for (int i = 0; i < win.length / 2; i++) {
                assertTrue(train.isReal(win[i]));
                assertTrue(allReals.add(win[i]), "a real image is reused across windows");
            }
        }
        assertEquals(6, allReals.size());
    }

    @Test
    void cumulativeWindowPrependsOwnImagesToPreviousWindow() {
        LabelledSplit train = smallTrain();
        WindowsTimeline cl = WindowsTimeline.build(ABC, List.of("A", "B", "C"), BenchmarkType.CONTINUAL_LEARNING, 1);
        WindowsTimeline cu = WindowsTimeline.build(ABC, List.of("A", "B", "C"), BenchmarkType.CUMULATIVE, 1);
        int[][] own = TrainingSets.windows(train, cl);
        int[][] cum = TrainingSets.windows(train, cu);
        assertArrayEquals(own[0], cum[0]);
        assertArrayEquals(TrainingSets.concat(own[1], own[0]), cum[1]);
        assertArrayEquals(TrainingSets.concat(own[2], TrainingSets.concat(own[1], own[0])), cum[2]);
    }

    @Test
    void noneTypeTrainsOnEveryPositionInOrder() {
        LabelledSplit train = smallTrain();
        WindowsTimeline t = WindowsTimeline.build(ABC, List.of("A", "B", "C"), BenchmarkType.NONE, 0);
        int[][] w = TrainingSets.windows(train, t);
        assertEquals(1, w.length);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, w[0]);
    }

    @Test
    void tooFewRealsIsAnErrorNamingTheWindow() {
        LabelledSplit train = new LabelledSplit("train", List.of("", "A", "B", "C"), new int[] {1, 1, 2, 3, 0, 0}, new long[6]);
        WindowsTimeline t = WindowsTimeline.build(ABC, List.of("A", "B", "C"), BenchmarkType.CUMULATIVE, 1);
        UserError e = assertThrows(UserError.class, () -> TrainingSets.windows(train, t));
        assertTrue(e.getMessage().startsWith("Window 1 of the train split"), e.getMessage());
    }

    @Test
    void v1ShapedWindowsMatchTheOriginalDrawsExactly() {
        JsonNode ref = RngReference.committed().get("protocol_v1");
        GeneratorCatalogue v1 = GeneratorCatalogue.benchmark();
        LabelledSplit train = SyntheticSplits.layout("train", SyntheticSplits.sortedBenchmarkNames(), 4000, 144_000);
        WindowsTimeline cl = WindowsTimeline.build(v1, v1.names(), BenchmarkType.CONTINUAL_LEARNING, 4);
        int[][] own = TrainingSets.windows(train, cl);
        assertArrayEquals(RngReference.ints(ref.get("train_window0_first10")), Arrays.copyOf(own[0], 10));
        for (int j = 0; j < 9; j++) {
            assertEquals(32_000, own[j].length);
            assertEquals(ref.get("train_windows_continual_digest").get(j).asText(), RngReference.digest(own[j]), "window " + j);
        }
        WindowsTimeline cu = WindowsTimeline.build(v1, v1.names(), BenchmarkType.CUMULATIVE, 4);
        int[] last = TrainingSets.window(train, cu, 8);
        assertEquals(288_000, last.length);
        assertEquals(ref.get("train_window8_cumulative_digest").asText(), RngReference.digest(last));
    }

    @Test
    void trainSubsetKeepsEachGeneratorsShareAndIsSeeded() {
        LabelledSplit train = SyntheticSplits.layout("train", List.of("A", "B", "C"), 100, 300);
        WindowsTimeline t = WindowsTimeline.build(ABC, List.of("A", "B", "C"), BenchmarkType.CONTINUAL_LEARNING, 3);
        int[] window = TrainingSets.window(train, t, 0);
        int[] sub = TrainingSets.subset(train, window, SubsetSize.of(0.1));
        assertEquals(60, sub.length);
        int[] perGen = new int[4];
        for (int p : sub) {
            perGen[train.generatorIds()[p]]++;
        }
        assertArrayEquals(new int[] {30, 10, 10, 10}, perGen);
        assertArrayEquals(sub, TrainingSets.subset(train, window, SubsetSize.of(0.1)));
        assertEquals(7, TrainingSets.subset(train, window, SubsetSize.of(7)).length);
        assertEquals(1, SubsetSize.of(1.0).count(600));
        assertEquals(600, SubsetSize.DISABLED.count(600));
    }
}
