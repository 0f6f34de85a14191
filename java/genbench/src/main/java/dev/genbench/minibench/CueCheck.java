package dev.genbench.minibench;

import dev.genbench.console.Log;
import dev.genbench.console.Progress;
import dev.genbench.console.UserError;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cue check: can trivial statistics ({@link CueFeatures}) tell real from fake? A standardised L2
 * logistic regression is fitted on the train split and scored on the evaluation split ({@code test} when
 * present, otherwise {@code validation}, as AI-GenBench's loader falls back). It is fitted twice, on the raw
 * statistics and with the wide-range ones log-scaled, and the higher AUROC is reported, so a cue visible on
 * either scale counts. Per generator, the generator's fakes are scored against their paired reals (all reals
 * when the dataset has no pairing). A benchmark passes at pooled AUROC ≤ {@link #MAX_AUROC}.
 */
public final class CueCheck {
    public static final double MAX_AUROC = 0.65;
    static final double GENERATOR_FLAG_AUROC = 0.75;
    static final double LAMBDA = 1.0;

    /** The outcome; {@code perGenerator} keeps the catalogue's name order. */
    public record Report(String evaluatedSplit, int trainRows, int evaluatedRows, double pooledAuroc, double rawAuroc,
            double logAuroc, Map<String, Double> perGenerator) {

        public boolean passes() {
            return pooledAuroc <= MAX_AUROC;
        }

        public void print(PrintStream out) {
            out.printf(Locale.ROOT, "cue check: logistic regression on %d trivial statistics, fitted on train (%d rows), scored on %s (%d rows)%n",
                    CueFeatures.NAMES.size(), trainRows, evaluatedSplit, evaluatedRows);
            out.printf(Locale.ROOT, "  raw statistics %.3f, log-scaled %.3f%n", rawAuroc, logAuroc);
            // The pass mark is pooled; a generator above 0.75 on its own is flagged so that nobody mistakes
            // its detection scores for evidence of more than trivial statistics.
            perGenerator.forEach((g, a) -> out.printf(Locale.ROOT, "  %-24s %.3f%s%n", g, a,
                    a > GENERATOR_FLAG_AUROC ? "  (separable by trivial statistics on its own)" : ""));
            out.printf(Locale.ROOT, "cue check AUROC: %.3f%n", pooledAuroc);
        }
    }

    private CueCheck() {}

    public static Report run(Path root) {
        List<String> splits = HfSplitReader.splits(root);
        if (!splits.contains("train")) {
            throw new UserError(root + " has no train split; the cue check fits on train.");
        }
        String evaluated = splits.contains("test") ? "test" : splits.contains("validation") ? "validation" : null;
        if (evaluated == null) {
            throw new UserError(root + " has neither a test nor a validation split to score the cue check on.");
        }
        Samples train = features(root.resolve("train"), "train");
        Samples eval = features(root.resolve(evaluated), evaluated);
        double[] raw = scores(train.x, train.labels, eval.x, false);
        double[] logged = scores(train.x, train.labels, eval.x, true);
        double rawAuroc = Auroc.of(raw, eval.labels);
        double logAuroc = Auroc.of(logged, eval.labels);
        double[] chosen = logAuroc > rawAuroc ? logged : raw;
        Map<String, Double> perGenerator = new LinkedHashMap<>();
        for (String g : new TreeSet<>(eval.generators)) {
            if (g.isEmpty()) {
                continue;
            }
            perGenerator.put(g, generatorAuroc(eval, chosen, g));
        }
        return new Report(evaluated, train.labels.length, eval.labels.length, Math.max(rawAuroc, logAuroc), rawAuroc, logAuroc, perGenerator);
    }

    private record Samples(double[][] x, int[] labels, List<String> generators, List<String> fileIds, List<List<String>> paired) {}

    private static Samples features(Path splitDir, String name) {
        List<HfSplitReader.Row> rows = HfSplitReader.read(splitDir);
        double[][] x = new double[rows.size()][];
        int[] labels = new int[rows.size()];
        List<String> generators = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<List<String>> paired = new ArrayList<>();
        try (Progress progress = Progress.start("cue statistics (" + name + ")", rows.size(), "img")) {
            for (int i = 0; i < rows.size(); i++) {
                HfSplitReader.Row r = rows.get(i);
                x[i] = CueFeatures.of(r.image());
                labels[i] = r.label();
                generators.add(r.generator());
                ids.add(r.fileId());
                paired.add(r.pairedRealImages());
                progress.step();
            }
        }
        return new Samples(x, labels, generators, ids, paired);
    }

    /** Scores of {@code evalX} by a regression fitted on the standardised (optionally log-scaled) training rows. */
    static double[] scores(double[][] trainX, int[] trainLabels, double[][] evalX, boolean logScale) {
        double[][] a = transform(trainX, logScale);
        double[][] b = transform(evalX, logScale);
        int d = a[0].length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (double[] row : a) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / a.length;
            }
        }
        for (double[] row : a) {
            for (int j = 0; j < d; j++) {
                std[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / a.length;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(std[j]);
        }
        standardise(a, mean, std);
        standardise(b, mean, std);
        LogisticRegression model = LogisticRegression.fit(a, trainLabels, LAMBDA);
        double[] s = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            s[i] = model.probability(b[i]);
        }
        return s;
    }

    private static double[][] transform(double[][] x, boolean logScale) {
        double[][] out = new double[x.length][];
        List<Integer> logged = new ArrayList<>();
        if (logScale) {
            CueFeatures.LOG_SCALED.forEach(n -> logged.add(CueFeatures.NAMES.indexOf(n)));
        }
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i].clone();
            for (int j : logged) {
                out[i][j] = Math.log1p(Math.max(0, out[i][j]));
            }
        }
        return out;
    }

    // A constant feature (every image a JPEG, say) carries nothing: it is zeroed rather than divided by 0.
    private static void standardise(double[][] x, double[] mean, double[] std) {
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = std[j] > 1e-12 ? (row[j] - mean[j]) / std[j] : 0;
            }
        }
    }

    private static double generatorAuroc(Samples eval, double[] scores, String generator) {
        Set<String> pairedReals = new HashSet<>();
        for (int i = 0; i < eval.labels.length; i++) {
            if (eval.generators.get(i).equals(generator)) {
                pairedReals.addAll(eval.paired.get(i));
            }
        }
        List<Double> s = new ArrayList<>();
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < eval.labels.length; i++) {
            boolean fake = eval.generators.get(i).equals(generator);
            boolean real = eval.labels[i] == 0 && (pairedReals.isEmpty() || pairedReals.contains(eval.fileIds.get(i)));
            if (fake || real) {
                s.add(scores[i]);
                l.add(fake ? 1 : 0);
            }
        }
        if (pairedReals.isEmpty()) {
            Log.debug("cue check: %s has no paired reals; scored against every real", generator);
        }
        return Auroc.of(s.stream().mapToDouble(Double::doubleValue).toArray(), l.stream().mapToInt(Integer::intValue).toArray());
    }
}
