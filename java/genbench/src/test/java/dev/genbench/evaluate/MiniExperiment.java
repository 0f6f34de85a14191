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

    /** Writes window_0..window_{windows-1}/predictions_validate_*.npz under {@code experimentDir}. */
    public static void write(Path experimentDir, int windows, long seed) {
        for (int k = 0; k < windows; k++) {
            PredictionsFile p = window(k, new SplittableRandom(seed + k));
            p.writeEvaluation(experimentDir.resolve("window_" + k), "validate", 0, 100L * (k + 1));
        }
    }

    public static PredictionsFile window(int k, SplittableRandom rng) {
        var fusedScores = new ArrayList<Float>();
        var fusedGen = new ArrayList<Long>();
        var fusedIds = new ArrayList<Long>();
        var pairing = new ArrayList<Long>();
        var cropScores = new ArrayList<Float>();
        var cropGen = new ArrayList<Long>();
        var cropIds = new ArrayList<Long>();
        var cropToImage = new ArrayList<Long>();
        long id = 1000;
        for (int g = 1; g < NAMES.size(); g++) {
            int generatorWindow = (g - 1) / 2;
            // A model trained up to window k knows the generators of windows <= k well.
            double separation = generatorWindow <= k ? 0.35 : 0.1;
            for (int i = 0; i < 40; i++) {
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
        return new PredictionsFile(fs, flab, fg, fid, fl, cs, clab, cg, cid, cl, c2i, Optional.empty(), NAMES, TIMELINE, pr);
    }
}
