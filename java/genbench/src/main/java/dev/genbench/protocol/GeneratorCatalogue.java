package dev.genbench.protocol;

import dev.genbench.console.UserError;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fake-image generators a benchmark knows, with their release dates: the dates order the generators
 * into windows (SPEC §2). Immutable.
 *
 * @param generators the generators in the order they were listed
 * @param source where the list came from (for messages): {@code "built-in AI-GenBench v1.0"} or a file name
 */
public record GeneratorCatalogue(List<Generator> generators, String source) {

    /** One generator and the date its method was released. */
    public record Generator(String name, LocalDate releaseDate) {
        public Generator {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a generator needs a non-empty name (the empty name means real images)");
            }
        }
    }

    public GeneratorCatalogue {
        generators = List.copyOf(generators);
        Set<String> seen = new LinkedHashSet<>();
        for (Generator g : generators) {
            if (!seen.add(g.name())) {
                throw new UserError("The generator catalogue " + source + " lists \"" + g.name() + "\" twice; keep one line per generator.");
            }
        }
    }

    /**
     * Generators the dataset-creation code knows but the v1.0 benchmark leaves out; the loader drops their
     * rows (SPEC §2). Listed so that a warning can say these are expected.
     */
    public static final List<String> EXCLUDED_FROM_V1 = List.of(
            "DALL-E 2", "DALL-E Mini", "EG3D", "FLUX 1 Pro", "Firefly", "Firefly 1", "Firefly 2",
            "Midjourney 4", "Midjourney 5", "Midjourney 5.1", "Midjourney 5.2", "Stable Diffusion",
            "Stable Diffusion 1.1", "Stable Diffusion 1.2", "Stable Diffusion 1.3", "Stable Diffusion 2",
            "Stable Diffusion Turbo", "Stable Diffusion XL Turbo", "StyleGAN2 (SFHQ)", "Wukong");

    private static final GeneratorCatalogue BENCHMARK = parseCsv("""
            CycleGAN,2017-03-30
            Cascaded Refinement Networks,2017-07-28
            ProGAN,2017-10-27
            StarGAN,2017-11-24
            SN-PatchGAN,2018-06-10
            BigGAN,2018-09-28
            IMLE,2018-11-29
            StyleGAN1,2018-12-12
            GauGAN,2019-03-18
            StyleGAN2,2019-12-03
            DDPM,2020-06-19
            CIPS,2020-11-27
            VQGAN,2020-12-17
            GANformer,2021-03-01
            ADM,2021-05-11
            StyleGAN3,2021-06-23
            LaMa,2021-09-15
            FaceSynthetics,2021-09-30
            ProjectedGAN,2021-11-01
            Palette,2021-11-10
            VQ-Diffusion,2021-11-29
            Denoising Diffusion GAN,2021-12-16
            Glide,2021-12-20
            Latent Diffusion,2021-12-21
            Midjourney,2022-02-01
            MAT,2022-03-29
            Diffusion GAN (ProjectedGAN),2022-06-05
            Diffusion GAN (StyleGAN2),2022-06-06
            Stable Diffusion 1.4,2022-08-22
            Stable Diffusion 1.5,2022-10-20
            Stable Diffusion 2.1,2022-12-07
            DeepFloyd IF,2023-04-26
            Stable Diffusion XL 1.0,2023-07-26
            DALL-E 3,2023-09-20
            FLUX 1 Dev,2024-08-01
            FLUX 1 Schnell,2024-08-02
            """, "built-in AI-GenBench v1.0");

    /** The 36 generators of AI-GenBench v1.0 and their release dates ({@code BENCHMARK_GENERATORS}). */
    public static GeneratorCatalogue benchmark() {
        return BENCHMARK;
    }

    /**
     * Parses {@code name,release_date} lines (dates {@code YYYY-MM-DD}). An optional header line
     * {@code name,release_date}, blank lines and lines starting with {@code #} are skipped. The date is
     * after the last comma, so names may contain commas; a name may also be double-quoted.
     *
     * @param source the file name, used in error messages
     */
    public static GeneratorCatalogue parseCsv(String text, String source) {
        List<Generator> out = new ArrayList<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int comma = line.lastIndexOf(',');
            if (comma < 0) {
                throw new UserError(source + " line " + (i + 1) + " is \"" + line + "\"; write each generator as name,release_date (for example CycleGAN,2017-03-30).");
            }
            String name = line.substring(0, comma).strip();
            String date = line.substring(comma + 1).strip();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
            }
            if (out.isEmpty() && name.equalsIgnoreCase("name") && date.equalsIgnoreCase("release_date")) {
                continue;
            }
            if (name.isEmpty()) {
                throw new UserError(source + " line " + (i + 1) + " has an empty generator name; real images need no line.");
            }
            try {
                out.add(new Generator(name, LocalDate.parse(date)));
            } catch (DateTimeParseException e) {
                throw new UserError(source + " line " + (i + 1) + " gives the date \"" + date + "\" for \"" + name + "\"; write release dates as YYYY-MM-DD.");
            }
        }
        if (out.isEmpty()) {
            throw new UserError(source + " lists no generators; write one name,release_date line per generator.");
        }
        return new GeneratorCatalogue(out, source);
    }

    public int size() {
        return generators.size();
    }

    public boolean contains(String name) {
        return index().containsKey(name);
    }

    /** The release date of {@code name}; throws if the catalogue does not list it. */
    public LocalDate releaseDate(String name) {
        Generator g = index().get(name);
        if (g == null) {
            throw new IllegalArgumentException("generator \"" + name + "\" is not in the catalogue " + source);
        }
        return g.releaseDate();
    }

    /** The names, in listing order. */
    public List<String> names() {
        return generators.stream().map(Generator::name).toList();
    }

    /**
     * The names by release date, ties broken by name in code-point order. The original breaks ties by
     * hash-set order, which is arbitrary; the v1.0 dates are all distinct (SPEC §2, §12 #21).
     */
    public List<String> namesByDate() {
        return generators.stream()
                .sorted(Comparator.comparing(Generator::releaseDate).thenComparing(Generator::name))
                .map(Generator::name)
                .toList();
    }

    private Map<String, Generator> index() {
        Map<String, Generator> m = new HashMap<>();
        for (Generator g : generators) {
            m.put(g.name(), g);
        }
        return m;
    }
}
