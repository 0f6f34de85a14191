package dev.genbench.protocol;

import dev.genbench.config.ExperimentInfo.BenchmarkType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowsTimelineTest {
    private static final GeneratorCatalogue V1 = GeneratorCatalogue.benchmark();

    @Test
    void benchmarkCatalogueGivesNineWindowsAsInSpecTable() {
        WindowsTimeline t = WindowsTimeline.build(V1, V1.names(), BenchmarkType.CUMULATIVE, 4);
        assertEquals(9, t.count());
        assertEquals(List.of("CycleGAN", "Cascaded Refinement Networks", "ProGAN", "StarGAN"), t.window(0));
        assertEquals(List.of("SN-PatchGAN", "BigGAN", "IMLE", "StyleGAN1"), t.window(1));
        assertEquals(List.of("GauGAN", "StyleGAN2", "DDPM", "CIPS"), t.window(2));
        assertEquals(List.of("VQGAN", "GANformer", "ADM", "StyleGAN3"), t.window(3));
        assertEquals(List.of("LaMa", "FaceSynthetics", "ProjectedGAN", "Palette"), t.window(4));
        assertEquals(List.of("VQ-Diffusion", "Denoising Diffusion GAN", "Glide", "Latent Diffusion"), t.window(5));
        assertEquals(List.of("Midjourney", "MAT", "Diffusion GAN (ProjectedGAN)", "Diffusion GAN (StyleGAN2)"), t.window(6));
        assertEquals(List.of("Stable Diffusion 1.4", "Stable Diffusion 1.5", "Stable Diffusion 2.1", "DeepFloyd IF"), t.window(7));
        assertEquals(List.of("Stable Diffusion XL 1.0", "DALL-E 3", "FLUX 1 Dev", "FLUX 1 Schnell"), t.window(8));
        assertEquals(36, V1.size());
        assertEquals(20, GeneratorCatalogue.EXCLUDED_FROM_V1.size());
    }

    @Test
    void noneTypeGivesOneWindowWithEveryGeneratorByDate() {
        WindowsTimeline t = WindowsTimeline.build(V1, V1.names(), BenchmarkType.NONE, 0);
        assertEquals(1, t.count());
        assertEquals(V1.namesByDate(), t.window(0));
        assertEquals("CycleGAN", t.window(0).get(0));
        assertEquals("FLUX 1 Schnell", t.window(0).get(35));
    }

    @Test
    void tiedDatesShareAWindowWithoutUsingASlotAndBreakTiesByName() {
        GeneratorCatalogue c = GeneratorCatalogue.parseCsv("""
                name,release_date
                E,2020-01-05
                B,2020-01-02
                A,2020-01-01
                D,2020-01-02
                C,2020-01-02
                F,2020-01-06
                G,2020-01-07
                """, "generators.csv");
        WindowsTimeline t = WindowsTimeline.build(c, List.of("A", "B", "C", "D", "E", "F", "G", ""), BenchmarkType.CONTINUAL_LEARNING, 2);
        // A, then B which pulls its same-day C and D; then E, F; then G alone.
        assertEquals(List.of(List.of("A", "B", "C", "D"), List.of("E", "F"), List.of("G")), t.windows());
    }

    @Test
    void generatorMissingFromDatasetIsAnErrorNamingIt() {
        List<String> present = V1.names().subList(1, 36);
        UserError e = assertThrows(UserError.class, () -> WindowsTimeline.build(V1, present, BenchmarkType.CUMULATIVE, 4));
        assertTrue(e.getMessage().contains("no images of CycleGAN"), e.getMessage());
    }

    @Test
    void windowSizeMustMatchBenchmarkType() {
        assertThrows(UserError.class, () -> WindowsTimeline.build(V1, V1.names(), BenchmarkType.NONE, 4));
        assertThrows(UserError.class, () -> WindowsTimeline.build(V1, V1.names(), BenchmarkType.CUMULATIVE, 0));
    }

    @Test
    void catalogueCsvErrorsNameFileAndLine() {
        UserError e = assertThrows(UserError.class, () -> GeneratorCatalogue.parseCsv("A,2020-01-01\nB,2020/01/02\n", "my.csv"));
        assertTrue(e.getMessage().contains("my.csv line 2"), e.getMessage());
        assertThrows(UserError.class, () -> GeneratorCatalogue.parseCsv("A,2020-01-01\nA,2020-01-02\n", "dup.csv"));
        assertThrows(UserError.class, () -> GeneratorCatalogue.parseCsv("\n# only a comment\n", "empty.csv"));
        GeneratorCatalogue quoted = GeneratorCatalogue.parseCsv("\"Gen, with comma\",2021-02-03\n", "q.csv");
        assertEquals("Gen, with comma", quoted.names().get(0));
    }
}
