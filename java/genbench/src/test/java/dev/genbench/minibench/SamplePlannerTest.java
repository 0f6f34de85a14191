package dev.genbench.minibench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SamplePlannerTest {

    /** A pool like the real one: many small-to-medium photos and a few large wallpapers. */
    static List<Photo> pool(int n) {
        SplittableRandom rng = new SplittableRandom(5);
        List<Photo> photos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int w = i % 10 == 0 ? 2560 : 150 + rng.nextInt(900);
            int h = i % 10 == 0 ? 1600 : 150 + rng.nextInt(700);
            photos.add(new Photo(String.format("%016x", rng.nextLong()), Path.of("p" + i + ".jpg"), w, h, "pkg", "p" + i));
        }
        return photos;
    }

    @Test
    void splitsAreDisjointByPhotoAndEveryPairStaysInItsPhotosSplit() {
        List<Photo> photos = pool(300);
        Map<Split, List<Photo>> split = SamplePlanner.split(photos, 1337);
        Map<Split, Set<String>> ids = new java.util.EnumMap<>(Split.class);
        split.forEach((s, list) -> ids.put(s, list.stream().map(Photo::id).collect(Collectors.toSet())));
        Set<String> all = new HashSet<>();
        ids.values().forEach(all::addAll);
        assertEquals(300, all.size(), "every photo in exactly one split");
        assertEquals(300, ids.values().stream().mapToInt(Set::size).sum());
        assertEquals(120, ids.get(Split.TRAIN).size());
        assertEquals(120, ids.get(Split.VALIDATION).size());
        assertEquals(60, ids.get(Split.TEST).size());

        List<SamplePlan> plans = SamplePlanner.plan(GeneratorSpec.defaults(), split, 40, 1337);
        assertEquals(12 * 40, plans.size());
        for (SamplePlan p : plans) {
            assertTrue(ids.get(p.split()).contains(p.photo().id()), p.fakeFileId() + " uses a photo of another split");
        }
        // Of every generator's fakes, two fifths go to train, two fifths to validation, one fifth to test.
        assertEquals(12 * 16, plans.stream().filter(p -> p.split() == Split.TRAIN).count());
        assertEquals(12 * 16, plans.stream().filter(p -> p.split() == Split.VALIDATION).count());
        assertEquals(12 * 8, plans.stream().filter(p -> p.split() == Split.TEST).count());
    }

    @Test
    void geometryKeepsSizesInRangeAndTheLowResolutionImageATrueDownscale() {
        List<SamplePlan> plans = SamplePlanner.plan(GeneratorSpec.defaults(), SamplePlanner.split(pool(300), 7), 60, 7);
        for (SamplePlan p : plans) {
            String id = p.fakeFileId();
            assertTrue(Math.min(p.finalW(), p.finalH()) >= SamplePlan.MIN_SIDE, id);
            assertTrue(Math.max(p.finalW(), p.finalH()) <= SamplePlan.MAX_SIDE, id);
            assertEquals(p.lrW() * p.generator().scale(), p.outW(), id);
            assertTrue(p.outW() >= p.finalW() && p.outH() >= p.finalH(), id + ": the final resize must shrink");
            assertTrue(p.cropX() >= 0 && p.cropX() + p.cropW() <= p.photo().width(), id);
            assertTrue(p.cropY() >= 0 && p.cropY() + p.cropH() <= p.photo().height(), id);
            assertTrue(p.cropW() >= p.lrW() * SamplePlan.MIN_LR_DOWNSCALE - 1, id);
            assertTrue(p.jpegQuality() >= 70 && p.jpegQuality() <= 95, id);
        }
        // Distinct photos within each generator and split, as long as the split has enough of them.
        for (GeneratorSpec g : GeneratorSpec.defaults()) {
            for (Split s : Split.values()) {
                List<String> ids = plans.stream().filter(p -> p.generator().equals(g) && p.split() == s).map(p -> p.photo().id()).toList();
                assertEquals(ids.size(), new HashSet<>(ids).size(), g.name() + " reuses a photo in " + s);
            }
        }
    }

    @Test
    void plansDependOnlyOnSeedGeneratorAndIndex() {
        var split = SamplePlanner.split(pool(200), 11);
        List<SamplePlan> few = SamplePlanner.plan(GeneratorSpec.defaults(), split, 10, 11);
        List<SamplePlan> more = SamplePlanner.plan(GeneratorSpec.defaults(), split, 30, 11);
        for (SamplePlan p : few) {
            SamplePlan q = more.stream().filter(m -> m.generator().equals(p.generator()) && m.index() == p.index()).findFirst().orElseThrow();
            assertEquals(p, q);
        }
        List<SamplePlan> otherSeed = SamplePlanner.plan(GeneratorSpec.defaults(), SamplePlanner.split(pool(200), 12), 10, 12);
        assertTrue(!few.equals(otherSeed));
    }
}
