package dev.genbench.evaluate;

import dev.genbench.console.UserError;
import dev.genbench.io.NpyArray;
import dev.genbench.io.Npz;
import dev.genbench.io.PredictionsFile;
import dev.genbench.metrics.BinaryMetric;
import dev.genbench.metrics.BinaryMetrics;
import dev.genbench.metrics.CropFusion;
import dev.genbench.metrics.EpochMetrics;
import dev.genbench.metrics.EvaluatedImages;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.MetricValue;
import dev.genbench.metrics.NextPeriodAuroc;
import dev.genbench.metrics.Subset;
import dev.genbench.metrics.WindowsOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recomputes every metric from saved predictions files, as the original's
 * {@code evaluate_predictions_multiwindow.py} does: for each window, fuse consecutive crops of one
 * image by their mean, keep the subset each mechanism selects, and score it. Only the keys that script
 * reads are required ({@code crop_scores}, {@code crop_generator_ids}, {@code crop_identifiers},
 * {@code generator_id_to_name}, {@code windows_timeline}, {@code pairing}), so predictions written by
 * other tools in that layout can be scored too.
 */
public final class PredictionsEvaluator {
    private static final Pattern WINDOW_DIR = Pattern.compile("[^_]*_(\\d+)");

    private PredictionsEvaluator() {}

    /**
     * The predictions file of each window folder of an experiment, window 0 first: {@code window_<k>/
     * predictions_<stage>_all.npz}, or else the {@code predictions_<stage>_epoch=E-step=S.npz} with the
     * highest step. Window folders are the subfolders named {@code <prefix>_<k>}; they must run from 0
     * without a gap.
     *
     * @throws UserError naming the folder or window that has no predictions
     */
    public static List<Path> findWindowFiles(Path experimentDir, String stage) {
        if (!Files.isDirectory(experimentDir)) {
            throw new UserError("Experiment folder " + experimentDir + " does not exist; pass the folder that holds "
                    + "window_0, window_1, ...");
        }
        var byWindow = new TreeMap<Integer, Path>();
        try (var dirs = Files.list(experimentDir)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                Matcher m = WINDOW_DIR.matcher(d.getFileName().toString());
                if (m.matches()) {
                    byWindow.put(Integer.parseInt(m.group(1)), d);
                }
            }
        } catch (IOException e) {
            throw new UserError("Cannot list " + experimentDir + " (" + e.getMessage() + ").", e);
        }
        if (byWindow.isEmpty()) {
            throw new UserError("Experiment folder " + experimentDir + " has no window_<k> folders; pass the folder "
                    + "that holds them.");
        }
        var files = new ArrayList<Path>();
        for (int k = 0; k < byWindow.size(); k++) {
            Path dir = byWindow.get(k);
            if (dir == null) {
                throw new UserError("Experiment folder " + experimentDir + " has no folder for window " + k
                        + " but has later ones; windows must run from 0 without a gap.");
            }
            files.add(windowFile(dir, stage));
        }
        return files;
    }

    private static Path windowFile(Path windowDir, String stage) {
        Path latest = windowDir.resolve(PredictionsFile.latestFileName(stage));
        if (Files.isRegularFile(latest)) {
            return latest;
        }
        Pattern epochFile = Pattern.compile("predictions_" + Pattern.quote(stage) + "_epoch=\\d+-step=(\\d+)\\.npz");
        Path best = null;
        long bestStep = -1;
        try (var files = Files.list(windowDir)) {
            for (Path f : files.toList()) {
                Matcher m = epochFile.matcher(f.getFileName().toString());
                if (m.matches() && Long.parseLong(m.group(1)) > bestStep) {
                    bestStep = Long.parseLong(m.group(1));
                    best = f;
                }
            }
        } catch (IOException e) {
            throw new UserError("Cannot list " + windowDir + " (" + e.getMessage() + ").", e);
        }
        if (best == null) {
            throw new UserError("No predictions file in " + windowDir + ": expected "
                    + PredictionsFile.latestFileName(stage) + " or predictions_" + stage
                    + "_epoch=<E>-step=<S>.npz; run " + stage + " for that window first.");
        }
        return best;
    }

    /** Scores the files of windows 0, 1, ... of one experiment (see {@link #findWindowFiles}). */
    public static ExperimentEvaluation evaluateExperiment(Path experimentDir, EvaluationOptions options) {
        return evaluateExperiment(experimentDir, options, null);
    }

    /**
     * As {@link #evaluateExperiment(Path, EvaluationOptions)}, fusing each image's crop scores with
     * {@code fusion} (a detection module's) instead of the mean; null is the mean.
     */
    public static ExperimentEvaluation evaluateExperiment(Path experimentDir, EvaluationOptions options,
            java.util.function.ToDoubleFunction<float[]> fusion) {
        List<Path> files = findWindowFiles(experimentDir, options.stage().key());
        return evaluate(experimentDir.getFileName().toString(), files, options, fusion);
    }

    /**
     * Scores the predictions files of windows 0..files.size()-1, in that order.
     *
     * @throws UserError naming the file at fault
     */
    public static ExperimentEvaluation evaluate(String name, List<Path> files, EvaluationOptions options) {
        return evaluate(name, files, options, null);
    }

    private static ExperimentEvaluation evaluate(String name, List<Path> files, EvaluationOptions options,
            java.util.function.ToDoubleFunction<float[]> fusion) {
        if (files.isEmpty()) {
            throw new UserError("No predictions files to evaluate; pass one per window, window 0 first.");
        }
        var windows = new ArrayList<WindowEvaluation>();
        for (int k = 0; k < files.size(); k++) {
            windows.add(evaluateWindow(k, files.get(k), options, fusion));
        }
        int windowCount = windows.getFirst().order().count();
        if (files.size() > windowCount) {
            throw new UserError(files.size() + " predictions files were given, but the windows_timeline of "
                    + files.getFirst() + " has only " + windowCount + " windows.");
        }
        var nextPeriod = new ArrayList<MetricValue>();
        for (WindowEvaluation w : windows) {
            nextPeriod.add(w.mechanism(Mechanism.IMMEDIATE_FUTURE).get(BinaryMetric.AUROC));
        }
        return new ExperimentEvaluation(name, windows, windowCount, NextPeriodAuroc.of(nextPeriod, windowCount), options);
    }

    /** Scores one window's file for the model of window {@code window}. */
    public static WindowEvaluation evaluateWindow(int window, Path file, EvaluationOptions options) {
        return evaluateWindow(window, file, options, null);
    }

    private static WindowEvaluation evaluateWindow(int window, Path file, EvaluationOptions options,
            java.util.function.ToDoubleFunction<float[]> fusion) {
        Map<String, NpyArray> arrays = Npz.read(file);
        var keys = new PredictionsFile.KeyReader(file, arrays);
        if (arrays.containsKey("crop_multiclass_predictions")) {
            throw new UserError("Predictions file " + file + " holds multiclass logits (crop_multiclass_predictions);"
                    + " evaluate scores binary predictions only, so save P(fake) as crop_scores instead.");
        }
        float[] cropScores = keys.float32("crop_scores", 1);
        long[] cropGenerators = keys.int64("crop_generator_ids");
        long[] cropIdentifiers = keys.int64("crop_identifiers");
        List<String> names = keys.names();
        long[] pairing = keys.int64("pairing");
        WindowsOrder order;
        try {
            order = WindowsOrder.fromNames(keys.timeline(), names);
        } catch (IllegalArgumentException e) {
            throw new UserError("Predictions file " + file + ": " + e.getMessage() + ".", e);
        }
        if (window >= order.count()) {
            throw new UserError("Predictions file " + file + " is given for window " + window + ", but its "
                    + "windows_timeline has only " + order.count() + " windows.");
        }
        CropFusion.Fused fused;
        try {
            fused = CropFusion.fuse(cropScores, cropGenerators, cropIdentifiers, fusion);
        } catch (IllegalArgumentException e) {
            throw new UserError("Predictions file " + file + ": " + e.getMessage() + ".", e);
        }
        if (fused.size() != pairing.length) {
            throw new UserError("Predictions file " + file + " fuses its " + cropScores.length + " crops into "
                    + fused.size() + " images, but 'pairing' has " + pairing.length + " entries; the crops of each "
                    + "image must be consecutive and every image must have a pairing entry.");
        }
        for (int i = 0; i < fused.size(); i++) {
            long g = fused.generatorIds()[i];
            if (g < 0 || g >= names.size()) {
                throw new UserError("Predictions file " + file + " has generator id " + g + " at image " + i
                        + ", outside generator_id_to_name (0.." + (names.size() - 1) + ").");
            }
            if (options.usePairing() && g == 0 && pairing[i] < 0) {
                throw new UserError("Predictions file " + file + " has a real image (row " + i + ") without a "
                        + "pairing; evaluate without pairing, or write the pairing of every real image.");
            }
        }
        EvaluatedImages images = new EvaluatedImages(fused.scores(), fused.generatorIds(), pairing);
        double t = options.threshold();
        BinaryMetrics all = Subset.all().select(images).metrics(t);
        var byMechanism = new EnumMap<Mechanism, BinaryMetrics>(Mechanism.class);
        for (Mechanism m : Mechanism.values()) {
            byMechanism.put(m, EpochMetrics.mechanismMetrics(m, images, order, window, t, options.usePairing()));
        }
        Map<Integer, BinaryMetrics> perGenerator = EpochMetrics.perGenerator(images, names.size(), t);
        return new WindowEvaluation(window, file, images, names, order, all, byMechanism, perGenerator, t);
    }
}
