package dev.genbench.evaluate;

import dev.genbench.io.PredictionsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Writes a small sliding-window experiment for tests: generators A..F in windows {A, B}, {C, D}, {E, F},
 * 40 fakes per generator and as many reals, each real paired with one generator; some images are cut
 * into several crops. Scores drift so that later generators are harder, with deliberate ties.
 */
public final class MiniExperiment {
    public static final List<String> NAMES = List.of("", "A", "B", "C", "D", "E", "F");
    public static final List<List<String>> TIMELINE = List.of(List.of("A", "B"), List.of("C", "D"), List.of("E", "F"));

    private MiniExperiment() {}

    /** The 36 generators of the benchmark, four per window, in release order (SPEC §2). */
    public static final List<List<String>> BENCHMARK_TIMELINE = List.of(
            List.of("CycleGAN", "Cascaded Refinement Networks", "ProGAN", "StarGAN"),
            List.of("SN-PatchGAN", "BigGAN", "IMLE", "StyleGAN1"),
            List.of("GauGAN", "StyleGAN2", "DDPM", "CIPS"),
            List.of("VQGAN", "GANformer", "ADM", "StyleGAN3"),
            List.of("LaMa", "FaceSynthetics", "ProjectedGAN", "Palette"),
            List.of("VQ-Diffusion", "Denoising Diffusion GAN", "Glide", "Latent Diffusion"),
            List.of("Midjourney", "MAT", "Diffusion GAN (ProjectedGAN)", "Diffusion GAN (StyleGAN2)"),
            List.of("Stable Diffusion 1.4", "Stable Diffusion 1.5", "Stable Diffusion 2.1", "DeepFloyd IF"),
            List.of("Stable Diffusion XL 1.0", "DALL-E 3", "FLUX 1 Dev", "FLUX 1 Schnell"));

    /** Writes window_0..window_{windows-1}/predictions_validate_*.npz under {@code experimentDir}. */
    public static void write(Path experimentDir, int windows, long seed) {
        write(experimentDir, NAMES, TIMELINE, windows, 40, seed);
    }

    /** As {@link #write(Path, int, long)} for any generators and timeline, {@code perGenerator} fakes each. */
    public static void write(Path experimentDir, List<String> names, List<List<String>> timeline, int windows,
                             int perGenerator, long seed) {
        for (int k = 0; k < windows; k++) {
            PredictionsFile p = window(k, names, timeline, perGenerator, new SplittableRandom(seed + k));
            p.writeEvaluation(experimentDir.resolve("window_" + k), "validate", 0, 100L * (k + 1));
        }
    }

    /** The generator names, real first, of a timeline. */
    public static List<String> namesOf(List<List<String>> timeline) {
        var names = new ArrayList<String>();
        names.add("");
        timeline.forEach(names::addAll);
        return names;
    }

    public static PredictionsFile window(int k, SplittableRandom rng) {
        return window(k, NAMES, TIMELINE, 40, rng);
    }

    public static PredictionsFile window(int k, List<String> names, List<List<String>> timeline, int perGenerator,
                                         SplittableRandom rng) {
        var fusedScores = new ArrayList<Float>();
        var fusedGen = new ArrayList<Long>();
        var fusedIds = new ArrayList<Long>();
        var pairing = new ArrayList<Long>();
        var cropScores = new ArrayList<Float>();
        var cropGen = new ArrayList<Long>();
        var cropIds = new ArrayList<Long>();
        var cropToImage = new ArrayList<Long>();
        long id = 1000;
        for (int g = 1; g < names.size(); g++) {
            int generatorWindow = -1;
            for (int w = 0; w < timeline.size(); w++) {
                if (timeline.get(w).contains(names.get(g))) generatorWindow = w;
            }
            // A model trained up to window k knows the generators of windows <= k well.
            double separation = generatorWindow <= k ? 0.35 : 0.25 / (generatorWindow - k);
            for (int i = 0; i < perGenerator; i++) {
                for (int real = 0; real < 2; real++) {
                    long gen = real == 1 ? 0 : g;
                    int crops = rng.nextInt(4) == 0 ? 1 + rng.nextInt(3) : 1;
                    int image = fusedScores.size();
                    float sum = 0;
                    for (int c = 0; c < crops; c++) {
                        double base = 0.5 + (real == 1 ? -separation : separation);
                        // Quantised to 1/20 so that many scores tie.
                        float s = (float) (Math.round(Math.clamp(base + rng.nextGaussian() * 0.2, 0, 1) * 20) / 20.0);
                        cropScores.add(s);
                        cropGen.add(gen);
                        cropIds.add(id);
                        cropToImage.add((long) image);
                        sum += s;
                    }
                    fusedScores.add(sum / crops);
                    fusedGen.add(gen);
                    fusedIds.add(id);
                    pairing.add(real == 1 ? g : -1L);
                    id++;
                }
            }
        }
        int n = fusedScores.size(), m = cropScores.size();
        float[] fs = new float[n], fl = new float[n], cs = new float[m], cl = new float[m];
        long[] flab = new long[n], fg = new long[n], fid = new long[n], pr = new long[n];
        long[] clab = new long[m], cg = new long[m], cid = new long[m], c2i = new long[m];
        for (int i = 0; i < n; i++) {
            fs[i] = fusedScores.get(i);
            fg[i] = fusedGen.get(i);
            flab[i] = fg[i] == 0 ? 0 : 1;
            fid[i] = fusedIds.get(i);
            pr[i] = pairing.get(i);
        }
        for (int c = 0; c < m; c++) {
            cs[c] = cropScores.get(c);
            cg[c] = cropGen.get(c);
            clab[c] = cg[c] == 0 ? 0 : 1;
            cid[c] = cropIds.get(c);
            c2i[c] = cropToImage.get(c);
        }
        return new PredictionsFile(fs, flab, fg, fid, fl, cs, clab, cg, cid, cl, c2i, Optional.empty(), names, timeline, pr);
    }
}
