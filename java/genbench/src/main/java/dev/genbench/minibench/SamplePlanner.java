package dev.genbench.minibench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Splits the photos and plans every pair. Photos go to train, validation or test as a whole (so a crop never
 * appears in two splits), by a seeded shuffle of their sorted ids. For generator g, sample i lies in the split
 * {@link Split#ofSample} gives and takes the next photo of a per-generator shuffled order of that split,
 * so each generator sees distinct photos; photos too small for its scale are skipped. Plans depend only on
 * (seed, generator position, i): asking for more fakes per generator extends the dataset without changing
 * the earlier pairs.
 */
final class SamplePlanner {
    private SamplePlanner() {}

    static Map<Split, List<Photo>> split(List<Photo> photos, long seed) {
        List<Photo> sorted = new ArrayList<>(photos);
        sorted.sort(Comparator.comparing(Photo::id));
        shuffle(sorted, new SplittableRandom(mix(seed, 0x5b1175L)));
        Map<Split, List<Photo>> out = new EnumMap<>(Split.class);
        int from = 0;
        for (Split s : Split.values()) {
            int to = s.ordinal() == Split.values().length - 1 ? sorted.size()
                    : Math.min(sorted.size(), from + (int) Math.round(s.photoShare() * sorted.size()));
            out.put(s, List.copyOf(sorted.subList(from, to)));
            from = to;
        }
        return out;
    }

    static List<SamplePlan> plan(List<GeneratorSpec> generators, Map<Split, List<Photo>> photos, int perGenerator, long seed) {
        List<SamplePlan> plans = new ArrayList<>();
        for (int g = 0; g < generators.size(); g++) {
            GeneratorSpec spec = generators.get(g);
            Map<Split, List<Photo>> order = new EnumMap<>(Split.class);
            Map<Split, Integer> next = new EnumMap<>(Split.class);
            for (Split s : Split.values()) {
                List<Photo> o = new ArrayList<>(photos.get(s));
                shuffle(o, new SplittableRandom(mix(mix(seed, g + 1), s.ordinal() + 101)));
                order.put(s, o);
                next.put(s, 0);
            }
            for (int i = 0; i < perGenerator; i++) {
                Split s = Split.ofSample(i);
                List<Photo> o = order.get(s);
                SplittableRandom rng = new SplittableRandom(mix(mix(seed, g + 1), 1_000_003L * (i + 1)));
                Optional<SamplePlan> p = Optional.empty();
                for (int tries = 0; tries < o.size() && p.isEmpty(); tries++) {
                    Photo photo = o.get(next.get(s) % o.size());
                    next.put(s, next.get(s) + 1);
                    p = SamplePlan.draw(spec, i, s, photo, rng);
                }
                plans.add(p.orElseThrow(() -> new IllegalStateException("no photo of the " + s.hfName + " split is large enough for " + spec.name())));
            }
        }
        return plans;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    /** A well-spread 64-bit mix of two values (SplitMix64's finaliser), so nearby seeds give unrelated streams. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
