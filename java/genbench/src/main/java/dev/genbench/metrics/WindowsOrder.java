package dev.genbench.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The generator ids of each window, window 0 first: what the sliding-window mechanisms select from.
 * Ids index {@code generator_id_to_name}; 0 (real) never belongs to a window.
 */
public record WindowsOrder(List<SortedSet<Integer>> windows) {

    public WindowsOrder {
        var copy = new ArrayList<SortedSet<Integer>>(windows.size());
        for (int w = 0; w < windows.size(); w++) {
            SortedSet<Integer> ids = windows.get(w);
            for (int id : ids) {
                if (id <= 0) {
                    throw new IllegalArgumentException("window " + w + " holds generator id " + id
                            + ", but windows hold fake generators only (ids >= 1)");
                }
            }
            copy.add(Collections.unmodifiableSortedSet(new TreeSet<>(ids)));
        }
        windows = Collections.unmodifiableList(copy);
    }

    /**
     * Resolves a timeline of generator names (as the predictions files' {@code windows_timeline} holds
     * it) against {@code generator_id_to_name}. Empty names are padding of a ragged timeline and are
     * skipped (SPEC §12 item 21).
     *
     * @throws IllegalArgumentException naming the first generator that is not in the list
     */
    public static WindowsOrder fromNames(List<List<String>> timeline, List<String> generatorIdToName) {
        var windows = new ArrayList<SortedSet<Integer>>();
        for (int w = 0; w < timeline.size(); w++) {
            var ids = new TreeSet<Integer>();
            for (String name : timeline.get(w)) {
                if (name.isEmpty()) {
                    continue;
                }
                int id = generatorIdToName.indexOf(name);
                if (id < 0) {
                    throw new IllegalArgumentException("generator '" + name + "' of window " + w
                            + " is not in generator_id_to_name");
                }
                ids.add(id);
            }
            windows.add(ids);
        }
        return new WindowsOrder(windows);
    }

    public int count() {
        return windows.size();
    }

    public SortedSet<Integer> window(int k) {
        return windows.get(k);
    }

    /** The union of windows {@code from..to}, both included; empty when {@code to < from}. */
    public SortedSet<Integer> union(int from, int to) {
        var all = new TreeSet<Integer>();
        for (int w = from; w <= to; w++) {
            all.addAll(windows.get(w));
        }
        return Collections.unmodifiableSortedSet(all);
    }
}
