package dev.genbench.protocol;

import dev.genbench.console.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A seeded stratified selection standing in for scikit-learn's {@code train_test_split(..., stratify=...)}
 * train part. The original uses it to balance an evaluation split with more fakes than reals, and for the
 * debugging subset sizes (SPEC §3.2, §3.3).
 *
 * <p><b>Not bit-identical with scikit-learn.</b> The per-class counts follow the same rule (proportional
 * floors, then the largest remainders), but ties among remainders go to the class first in code-point order
 * rather than to a random draw, and the members are drawn with NumPy's PCG64 permutation rather than
 * {@code RandomState}. The result is deterministic for a seed and statistically equivalent; index lists
 * differ from the original's. The v1.0 data never needs it (equal real and fake counts, no subsets).
 */
public final class StratifiedSelection {
    private StratifiedSelection() {}

    /**
     * Picks {@code count} of {@code items}, each class keeping its share.
     *
     * @param items the candidates
     * @param strata the class of each candidate (same length)
     * @return the chosen items in a seeded shuffled order, as scikit-learn returns its train part
     */
    public static int[] select(int[] items, int[] strata, int count, long seed, String what) {
        int n = items.length;
        if (count <= 0 || count > n) {
            throw new UserError(what + " asks for " + count + " of " + n + " elements; choose a size between 1 and " + n + ".");
        }
        int classes = Arrays.stream(strata).max().orElse(-1) + 1;
        int[] perClass = new int[classes];
        for (int s : strata) {
            perClass[s]++;
        }
        long[] take = new long[classes];
        double[] remainder = new double[classes];
        long assigned = 0;
        for (int c = 0; c < classes; c++) {
            double exact = (double) count * perClass[c] / n;
            take[c] = (long) Math.floor(exact);
            remainder[c] = exact - take[c];
            assigned += take[c];
        }
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            if (perClass[c] > take[c]) {
                order.add(c);
            }
        }
        order.sort(Comparator.comparingDouble((Integer c) -> -remainder[c]).thenComparingInt(c -> c));
        for (int i = 0; assigned < count && i < order.size(); i++) {
            take[order.get(i)]++;
            assigned++;
        }
        NumpyRandom rng = new NumpyRandom(seed);
        int[] chosen = new int[count];
        int out = 0;
        for (int c = 0; c < classes; c++) {
            if (take[c] == 0) {
                continue;
            }
            int[] members = new int[perClass[c]];
            for (int i = 0, m = 0; i < n; i++) {
                if (strata[i] == c) {
                    members[m++] = items[i];
                }
            }
            rng.shuffle(members);
            for (int i = 0; i < take[c]; i++) {
                chosen[out++] = members[i];
            }
        }
        rng.shuffle(chosen);
        return chosen;
    }
}
