package dev.genbench.protocol;

import java.util.ArrayList;
import java.util.List;

/** Splits laid out like the real dataset: fake rows first, in blocks per generator, then the reals. */
final class SyntheticSplits {
    private SyntheticSplits() {}

    /**
     * @param generatorsInRowOrder the fake blocks, in row order
     * @param fakesPerGenerator rows per fake block
     * @param reals real rows after the fakes
     */
    static LabelledSplit layout(String name, List<String> generatorsInRowOrder, int fakesPerGenerator, int reals) {
        List<String> names = new ArrayList<>(generatorsInRowOrder);
        names.add("");
        names.sort(null);
        int n = generatorsInRowOrder.size() * fakesPerGenerator + reals;
        int[] gen = new int[n];
        long[] ids = new long[n];
        int p = 0;
        for (String g : generatorsInRowOrder) {
            int id = names.indexOf(g);
            for (int i = 0; i < fakesPerGenerator; i++) {
                gen[p++] = id;
            }
        }
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return new LabelledSplit(name, names, gen, ids);
    }

    static List<String> sortedBenchmarkNames() {
        List<String> names = new ArrayList<>(GeneratorCatalogue.benchmark().names());
        names.sort(null);
        return names;
    }
}
