package dev.genbench.metrics;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which images a metric is computed on (SPEC §8.2). A fake generator's subset holds its fakes and the
 * reals paired with it, so every per-generator figure compares a balanced set; the real subset holds
 * every real image and nothing else.
 */
public sealed interface Subset permits Subset.All, Subset.RealOnly, Subset.OfGenerators {

    /** Every evaluated image (the {@code /all} suffix). */
    static Subset all() {
        return new All();
    }

    /** Every real image and nothing else (generator 0, the {@code /real} suffix). */
    static Subset realOnly() {
        return new RealOnly();
    }

    /** Generator {@code id}: its fakes plus the reals paired with it; id 0 means {@link #realOnly()}. */
    static Subset generator(int id) {
        if (id == 0) {
            return realOnly();
        }
        return new OfGenerators(new TreeSet<>(List.of(id)), true);
    }

    /** The fakes of these generators plus the reals paired with any of them. May be empty. */
    static Subset generators(Collection<Integer> ids) {
        return new OfGenerators(new TreeSet<>(ids), true);
    }

    /**
     * The fakes of these generators plus every real image, paired or not: the evaluation script's
     * {@code use_pairing=False}.
     */
    static Subset generatorsWithEveryReal(Collection<Integer> ids) {
        return new OfGenerators(new TreeSet<>(ids), false);
    }

    /** One flag per row: whether the row belongs to this subset. */
    boolean[] mask(EvaluatedImages images);

    default EvaluatedImages.Selection select(EvaluatedImages images) {
        return images.select(mask(images));
    }

    record All() implements Subset {
        @Override
        public boolean[] mask(EvaluatedImages images) {
            boolean[] keep = new boolean[images.size()];
            Arrays.fill(keep, true);
            return keep;
        }
    }

    record RealOnly() implements Subset {
        @Override
        public boolean[] mask(EvaluatedImages images) {
            boolean[] keep = new boolean[images.size()];
            long[] gen = images.generatorIds();
            for (int i = 0; i < keep.length; i++) {
                keep[i] = gen[i] == 0;
            }
            return keep;
        }
    }

    /** @param pairedRealsOnly true: the reals paired with these generators; false: every real */
    record OfGenerators(SortedSet<Integer> ids, boolean pairedRealsOnly) implements Subset {
        public OfGenerators {
            for (int id : ids) {
                if (id <= 0) {
                    throw new IllegalArgumentException(
                            "a generator subset holds fake generators only (ids >= 1), not " + id);
                }
            }
            ids = Collections.unmodifiableSortedSet(new TreeSet<>(ids));
        }

        @Override
        public boolean[] mask(EvaluatedImages images) {
            int max = ids.isEmpty() ? 0 : ids.last();
            boolean[] member = new boolean[max + 1];
            for (int id : ids) {
                member[id] = true;
            }
            long[] gen = images.generatorIds();
            long[] pairing = images.pairing();
            boolean[] keep = new boolean[images.size()];
            for (int i = 0; i < keep.length; i++) {
                if (gen[i] == 0 && !pairedRealsOnly) {
                    keep[i] = true;
                    continue;
                }
                long g = gen[i] != 0 ? gen[i] : pairing[i];
                keep[i] = g > 0 && g <= max && member[(int) g];
            }
            return keep;
        }
    }
}
