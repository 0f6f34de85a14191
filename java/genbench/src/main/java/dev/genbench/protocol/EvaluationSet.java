package dev.genbench.protocol;

import dev.genbench.console.UserError;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The images one evaluation stage sees, in evaluation order, and the real-to-generator pairing the
 * per-generator and per-window metrics use (SPEC §3.3, §3.4). Index i is the evaluation sample index
 * (the augmentation seed offset, SPEC §5). Immutable by convention: the arrays are not copied on access.
 *
 * @param stage validation or test
 * @param split the labelled validation split the positions index
 * @param positions position in {@code split} of each evaluation sample, in shuffled order
 * @param pairedGenerator for a real sample, the generator id it is paired with; -1 for fakes and for reals
 *     left unpaired (the original allows one surplus real in validation)
 */
public record EvaluationSet(EvaluationStage stage, LabelledSplit split, int[] positions, int[] pairedGenerator) {
    /** {@code data_management_seed}: fixed at 1337 in the original, not configurable. */
    public static final int DATA_MANAGEMENT_SEED = 1337;
    public static final int BALANCING_SEED = DATA_MANAGEMENT_SEED + 1;
    public static final int SUBSET_SEED = DATA_MANAGEMENT_SEED + 2;
    public static final int SHUFFLE_SEED = DATA_MANAGEMENT_SEED + 3;

    /**
     * Builds the stage's set from the filtered validation split: balance reals and fakes, optionally keep a
     * stratified subset (validation only), shuffle with {@code default_rng(1340).permutation}, then pair
     * each fake with a real shuffled by CPython's {@code random.shuffle}.
     */
    public static EvaluationSet build(LabelledSplit validation, EvaluationStage stage, SubsetSize subset) {
        int n = validation.size();
        int realCount = 0;
        for (int p = 0; p < n; p++) {
            if (validation.isReal(p)) {
                realCount++;
            }
        }
        int[] reals = new int[realCount];
        int[] fakes = new int[n - realCount];
        for (int p = 0, r = 0, f = 0; p < n; p++) {
            if (validation.isReal(p)) {
                reals[r++] = p;
            } else {
                fakes[f++] = p;
            }
        }
        int[] selectedReals = reals;
        int[] selectedFakes = fakes;
        if (reals.length > fakes.length) {
            selectedReals = new PythonRandom(BALANCING_SEED).sample(reals, fakes.length);
        } else if (fakes.length > reals.length) {
            int[] strata = new int[fakes.length];
            for (int i = 0; i < fakes.length; i++) {
                strata[i] = validation.generatorIds()[fakes[i]];
            }
            selectedFakes = StratifiedSplit.trainPart(fakes, strata, reals.length, BALANCING_SEED,
                    "Balancing the " + validation.name() + " split");
        }
        // Equal counts: the original fails with an unassigned variable here; keep all, reals first (SPEC §12 #1).
        int[] selected = TrainingSets.concat(selectedReals, selectedFakes);

        if (stage == EvaluationStage.VALIDATION && subset.enabled()) {
            int keep = subset.count(selected.length);
            int[] strata = new int[selected.length];
            for (int i = 0; i < selected.length; i++) {
                strata[i] = validation.generatorIds()[selected[i]];
            }
            selected = StratifiedSplit.trainPart(selected, strata, keep, SUBSET_SEED, "validation_subset_size");
        }

        int[] permutation = NumpyRandom.permutation(SHUFFLE_SEED, selected.length);
        int[] shuffled = new int[selected.length];
        for (int i = 0; i < shuffled.length; i++) {
            shuffled[i] = selected[permutation[i]];
        }

        int a = 0;
        for (int p : shuffled) {
            if (validation.isReal(p)) {
                a++;
            }
        }
        int[] realIdx = new int[a];
        int[] fakeIdx = new int[shuffled.length - a];
        for (int i = 0, r = 0, f = 0; i < shuffled.length; i++) {
            if (validation.isReal(shuffled[i])) {
                realIdx[r++] = i;
            } else {
                fakeIdx[f++] = i;
            }
        }
        if (Math.abs(realIdx.length - fakeIdx.length) > stage.allowedImbalance()) {
            throw new UserError("The " + stage.key() + " set built from the " + validation.name() + " split has "
                    + realIdx.length + " real and " + fakeIdx.length + " fake images, which cannot be paired; "
                    + (stage == EvaluationStage.VALIDATION ? "choose a validation_subset_size that keeps them balanced." : "the split needs as many real images as fakes."));
        }
        new PythonRandom(stage.pairingSeed()).shuffle(realIdx);
        int[] paired = new int[shuffled.length];
        Arrays.fill(paired, -1);
        for (int i = 0; i < Math.min(realIdx.length, fakeIdx.length); i++) {
            paired[realIdx[i]] = validation.generatorIds()[shuffled[fakeIdx[i]]];
        }
        return new EvaluationSet(stage, validation, shuffled, paired);
    }

    public int size() {
        return positions.length;
    }

    /** The sample {@code ID} of evaluation sample i. */
    public long sampleId(int i) {
        return split.sampleIds()[positions[i]];
    }

    public int generatorId(int i) {
        return split.generatorIds()[positions[i]];
    }

    /**
     * The evaluation indices of the subset for a group of generators (SPEC §8.2): the fakes of those
     * generators plus the reals paired with any of them, in evaluation order.
     */
    public int[] indicesFor(Collection<String> generators) {
        Set<Integer> ids = new HashSet<>();
        boolean allReals = false;
        for (String g : generators) {
            if (g.isEmpty()) {
                allReals = true; // the "real" group: every real image, and nothing else
            } else if (split.generatorId(g) >= 0) {
                ids.add(split.generatorId(g));
            }
        }
        int count = 0;
        for (int i = 0; i < positions.length; i++) {
            if (inSubset(i, ids, allReals)) {
                count++;
            }
        }
        int[] out = new int[count];
        for (int i = 0, o = 0; i < positions.length; i++) {
            if (inSubset(i, ids, allReals)) {
                out[o++] = i;
            }
        }
        return out;
    }

    private boolean inSubset(int i, Set<Integer> ids, boolean allReals) {
        int p = positions[i];
        if (split.isReal(p)) {
            return allReals || ids.contains(pairedGenerator[i]);
        }
        return ids.contains(split.generatorIds()[p]);
    }
}
