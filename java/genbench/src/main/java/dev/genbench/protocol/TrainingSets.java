package dev.genbench.protocol;

import dev.genbench.config.ExperimentInfo.BenchmarkType;
import dev.genbench.console.UserError;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The training set of each window (SPEC §3.2): every window gets as many real images as it has fakes,
 * drawn without replacement across windows by CPython's {@code random.sample} seeded {@code 1337 + j}, so
 * the lists match the original's position for position.
 */
public final class TrainingSets {
    /** {@code real_images_pairing_seed}: window j's draw is seeded with this plus j. */
    public static final int REAL_IMAGES_SEED = 1337;

    private TrainingSets() {}

    /**
     * The training positions of every window, in the original's order: for cumulative window k,
     * [R_k, F_k, R_{k-1}, F_{k-1}, ..., R_0, F_0]; for continual learning [R_k, F_k]; for {@code none},
     * one list 0..N-1. Positions index {@code train}.
     */
    public static int[][] windows(LabelledSplit train, WindowsTimeline timeline) {
        if (timeline.type() == BenchmarkType.NONE) {
            int[] all = new int[train.size()];
            Arrays.setAll(all, i -> i);
            return new int[][] {all};
        }
        int n = train.size();
        boolean[] available = new boolean[n];
        int availableCount = 0;
        for (int p = 0; p < n; p++) {
            if (train.isReal(p)) {
                available[p] = true;
                availableCount++;
            }
        }
        int[][] own = new int[timeline.count()][];
        for (int j = 0; j < timeline.count(); j++) {
            Set<Integer> members = new HashSet<>();
            for (String g : timeline.window(j)) {
                int id = train.generatorId(g);
                if (id >= 0) {
                    members.add(id);
                }
            }
            int fakeCount = 0;
            for (int p = 0; p < n; p++) {
                if (members.contains(train.generatorIds()[p])) {
                    fakeCount++;
                }
            }
            int[] fakes = new int[fakeCount];
            for (int p = 0, f = 0; p < n; p++) {
                if (members.contains(train.generatorIds()[p])) {
                    fakes[f++] = p;
                }
            }
            if (fakeCount > availableCount) {
                throw new UserError("Window " + j + " of the " + train.name() + " split has " + fakeCount
                        + " fake images but only " + availableCount + " real images are left for it; the split needs at least as many real images as fakes.");
            }
            int[] sortedAvailable = new int[availableCount];
            for (int p = 0, a = 0; p < n; p++) {
                if (available[p]) {
                    sortedAvailable[a++] = p;
                }
            }
            int[] reals = new PythonRandom(REAL_IMAGES_SEED + j).sample(sortedAvailable, fakeCount);
            for (int r : reals) {
                available[r] = false;
            }
            availableCount -= reals.length;
            own[j] = concat(reals, fakes);
        }
        if (timeline.type() == BenchmarkType.CONTINUAL_LEARNING) {
            return own;
        }
        int[][] cumulative = new int[own.length][];
        cumulative[0] = own[0];
        for (int j = 1; j < own.length; j++) {
            cumulative[j] = concat(own[j], cumulative[j - 1]);
        }
        return cumulative;
    }

    /** The training positions of window {@code k} ({@link #windows} computes all of them, as the original does). */
    public static int[] window(LabelledSplit train, WindowsTimeline timeline, int k) {
        timeline.checkWindow(k);
        return windows(train, timeline)[k];
    }

    /**
     * {@code train_subset_size} applied to a window's list: scikit-learn's stratified split by generator
     * (reals as one class), as the original does. The original calls it without a seed, so its subsets
     * cannot be reproduced; it is seeded here with {@code 1337 + 2} (SPEC §12 #15), which makes runs
     * repeatable. The positions inside the returned list become the new sample indices.
     */
    public static int[] subset(LabelledSplit train, int[] windowPositions, SubsetSize size) {
        if (!size.enabled()) {
            return windowPositions;
        }
        int[] strata = new int[windowPositions.length];
        for (int i = 0; i < strata.length; i++) {
            strata[i] = train.generatorIds()[windowPositions[i]];
        }
        return StratifiedSplit.trainPart(windowPositions, strata, size.count(windowPositions.length),
                EvaluationSet.SUBSET_SEED, "train_subset_size");
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
