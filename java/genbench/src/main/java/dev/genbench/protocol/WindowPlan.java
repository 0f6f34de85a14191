package dev.genbench.protocol;

import java.util.List;

/**
 * What window k trains on: its generators and its training positions (into the filtered train split) in
 * protocol order; the index inside {@code training} is the sample index used for augmentation seeds.
 *
 * @param window k, 0-based
 * @param generators the fake generators new in this window
 * @param training positions in the filtered train split, after {@code train_subset_size}
 */
public record WindowPlan(int window, List<String> generators, int[] training) {
    public WindowPlan {
        generators = List.copyOf(generators);
    }
}
