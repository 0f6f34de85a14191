package dev.genbench.protocol;

import dev.genbench.config.ExperimentInfo.BenchmarkType;
import dev.genbench.metrics.Mechanism;
import dev.genbench.console.UserError;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The generators of each window, in benchmark order (SPEC §2, {@code windows_timeline}). Immutable.
 *
 * @param type the benchmark type it was built for
 * @param generatorsPerWindow {@code n_generators_per_window} (0 for {@link BenchmarkType#NONE})
 * @param windows the generator names of each window, oldest first
 */
public record WindowsTimeline(BenchmarkType type, int generatorsPerWindow, List<List<String>> windows) {
    public WindowsTimeline {
        windows = windows.stream().map(List::copyOf).toList();
    }

    /**
     * Orders the dataset's fake generators by release date and cuts them into windows of
     * {@code generatorsPerWindow}; generators released on the same day share a window without using up a
     * slot, so a window can hold more, and the last one fewer.
     *
     * @param available the fake generators present in the (filtered) train split; must equal the catalogue
     */
    public static WindowsTimeline build(GeneratorCatalogue catalogue, Collection<String> available,
                                        BenchmarkType type, int generatorsPerWindow) {
        checkWindowSize(type, generatorsPerWindow);
        Set<String> have = new TreeSet<>(available);
        have.remove("");
        Set<String> expected = new TreeSet<>(catalogue.names());
        if (!have.equals(expected)) {
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(have);
            Set<String> extra = new TreeSet<>(have);
            extra.removeAll(expected);
            StringBuilder s = new StringBuilder("The train split does not match the generator catalogue " + catalogue.source() + ":");
            if (!missing.isEmpty()) {
                s.append(" no images of ").append(String.join(", ", missing));
            }
            if (!extra.isEmpty()) {
                s.append(missing.isEmpty() ? " " : "; ").append("images of generators it does not list: ").append(String.join(", ", extra));
            }
            s.append("; give a catalogue (generators.csv) that lists exactly the dataset's generators.");
            throw new UserError(s.toString());
        }
        List<String> ordered = new ArrayList<>(catalogue.namesByDate());
        if (type == BenchmarkType.NONE) {
            return new WindowsTimeline(type, generatorsPerWindow, List.of(ordered));
        }
        List<List<String>> windows = new ArrayList<>();
        int next = 0;
        while (next < ordered.size()) {
            List<String> window = new ArrayList<>();
            for (int slot = 0; slot < generatorsPerWindow && next < ordered.size(); slot++) {
                String g = ordered.get(next++);
                window.add(g);
                LocalDate date = catalogue.releaseDate(g);
                while (next < ordered.size() && catalogue.releaseDate(ordered.get(next)).equals(date)) {
                    window.add(ordered.get(next++));
                }
            }
            windows.add(window);
        }
        return new WindowsTimeline(type, generatorsPerWindow, windows);
    }

    static void checkWindowSize(BenchmarkType type, int generatorsPerWindow) {
        if (type == BenchmarkType.NONE && generatorsPerWindow != 0) {
            throw new UserError("n_generators_per_window is " + generatorsPerWindow + " but benchmark_type is none; set it to 0.");
        }
        if (type != BenchmarkType.NONE && generatorsPerWindow <= 0) {
            throw new UserError("n_generators_per_window is " + generatorsPerWindow + " with benchmark_type " + type.key() + "; set it above 0 (the benchmark uses 4).");
        }
    }

    public int count() {
        return windows.size();
    }

    public List<String> window(int k) {
        checkWindow(k);
        return windows.get(k);
    }

    /** The index of the window holding {@code generator}, or -1. */
    public int windowOf(String generator) {
        for (int k = 0; k < windows.size(); k++) {
            if (windows.get(k).contains(generator)) {
                return k;
            }
        }
        return -1;
    }

    /** The generators of windows {@code from..to} inclusive, in order; empty when to &lt; from. */
    /** G(k): the generators {@code mechanism} scores the model of window k on (SPEC §8.2). */
    public List<String> generatorsFor(Mechanism mechanism, int k) {
        checkWindow(k);
        Mechanism.WindowRange range = mechanism.windows(k, count());
        return generatorsOf(range.from(), range.to());
    }

    public List<String> generatorsOf(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int k = Math.max(0, from); k <= to && k < windows.size(); k++) {
            out.addAll(windows.get(k));
        }
        return out;
    }

    void checkWindow(int k) {
        if (k < 0 || k >= windows.size()) {
            throw new UserError("current_window is " + k + " but the timeline has " + windows.size()
                    + " window" + (windows.size() == 1 ? "" : "s") + "; use 0.." + (windows.size() - 1) + ".");
        }
    }
}
