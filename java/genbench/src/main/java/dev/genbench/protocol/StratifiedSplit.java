package dev.genbench.protocol;

import dev.genbench.console.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * scikit-learn's {@code train_test_split(items, train_size=n, stratify=classes, random_state=seed)}, train
 * part, reproduced draw for draw (scikit-learn 1.2 {@code StratifiedShuffleSplit}: per-class counts by
 * {@code _approximate_mode}, a legacy {@code RandomState} permutation per class, then a permutation of the
 * chosen indices). The original uses it to balance an evaluation split with more fakes than reals and for
 * {@code validation_subset_size} (SPEC §3.3); with the same seed the Java lists equal the original's.
 */
public final class StratifiedSplit {
    private StratifiedSplit() {}

    /**
     * @param items the candidates, in order
     * @param classes the class of each candidate; class numbers must sort as the original's labels sort
     *     (generator ids do: they are assigned in code-point order of the names)
     * @param trainSize how many to keep: 1 .. items.length - 1
     * @param what what is being split, for error messages
     * @return the kept items in scikit-learn's order
     */
    public static int[] trainPart(int[] items, int[] classes, int trainSize, long seed, String what) {
        int n = items.length;
        if (trainSize <= 0 || trainSize >= n) {
            throw new UserError(what + " asks for " + trainSize + " of " + n + " elements; scikit-learn's split, which the original uses, needs between 1 and " + (n - 1) + ".");
        }
        TreeSet<Integer> distinct = new TreeSet<>();
        for (int c : classes) {
            distinct.add(c);
        }
        int[] classList = distinct.stream().mapToInt(Integer::intValue).toArray();
        int k = classList.length;
        int[] classIndex = new int[classList[k - 1] + 1];
        for (int i = 0; i < k; i++) {
            classIndex[classList[i]] = i;
        }
        int[] counts = new int[k];
        for (int c : classes) {
            counts[classIndex[c]]++;
        }
        for (int count : counts) {
            if (count < 2) {
                throw new UserError(what + " stratifies by generator, and a generator has only one image; scikit-learn's split, which the original uses, needs at least two per generator.");
            }
        }
        int testSize = n - trainSize;
        if (trainSize < k || testSize < k) {
            throw new UserError(what + " keeps " + trainSize + " of " + n + " elements across " + k + " generators; both the kept and the left-out part need at least one image per generator.");
        }
        // Members of each class in ascending order of position (a stable argsort of the class numbers).
        int[][] members = new int[k][];
        int[] fill = new int[k];
        for (int i = 0; i < k; i++) {
            members[i] = new int[counts[i]];
        }
        for (int i = 0; i < n; i++) {
            int c = classIndex[classes[i]];
            members[c][fill[c]++] = i;
        }
        NumpyRandomState rng = new NumpyRandomState(seed);
        long[] trainCounts = approximateMode(counts, trainSize, rng);
        int[] remaining = new int[k];
        for (int i = 0; i < k; i++) {
            remaining[i] = (int) (counts[i] - trainCounts[i]);
        }
        approximateMode(remaining, testSize, rng); // drawn by scikit-learn for the test part; consumes the generator
        int[] train = new int[trainSize];
        int t = 0;
        for (int i = 0; i < k; i++) {
            int[] perm = rng.permutation(counts[i]);
            for (int j = 0; j < trainCounts[i]; j++) {
                train[t++] = members[i][perm[j]];
            }
        }
        int[] order = rng.permutation(Arrays.copyOf(train, t));
        int[] out = new int[order.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = items[order[i]];
        }
        return out;
    }

    /** scikit-learn's {@code _approximate_mode}: proportional floors, then ties of largest remainders drawn at random. */
    static long[] approximateMode(int[] counts, int draws, NumpyRandomState rng) {
        long total = 0;
        for (int c : counts) {
            total += c;
        }
        int k = counts.length;
        double[] continuous = new double[k];
        long[] floored = new long[k];
        double[] remainder = new double[k];
        long sum = 0;
        for (int i = 0; i < k; i++) {
            continuous[i] = (double) counts[i] / (double) total * draws;
            floored[i] = (long) Math.floor(continuous[i]);
            remainder[i] = continuous[i] - floored[i];
            sum += floored[i];
        }
        long needToAdd = draws - sum;
        if (needToAdd > 0) {
            double[] values = Arrays.stream(remainder).distinct().sorted().toArray();
            for (int v = values.length - 1; v >= 0 && needToAdd > 0; v--) {
                List<Integer> inds = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    if (remainder[i] == values[v]) {
                        inds.add(i);
                    }
                }
                int addNow = (int) Math.min(inds.size(), needToAdd);
                int[] chosen = rng.choiceWithoutReplacement(inds.stream().mapToInt(Integer::intValue).toArray(), addNow);
                for (int c : chosen) {
                    floored[c]++;
                }
                needToAdd -= addNow;
            }
        }
        return floored;
    }
}
