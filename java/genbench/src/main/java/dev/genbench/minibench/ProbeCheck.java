package dev.genbench.minibench;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genbench.console.Progress;
import dev.genbench.console.UserError;
import dev.genbench.detector.OnnxRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * The probe check: does a frozen pretrained backbone plus a linear head detect the next, unseen window?
 * Features are the 1104-d early readout of the nsfwjs MobileNetV2 (spatial mean and mean of squares of six
 * frozen ImageNet activations, {@link ModelStore#PROBE_EARLY_LAYERS}) on one 224² centre crop. For each window k ≥ 1, an L2 logistic
 * regression is fitted on the train split's windows 0..k-1 (fakes and their paired reals) and scored on the
 * validation split's window k. The same protocol is run on the cue statistics, which must stay low: a probe
 * that only beats chance where the cues do would be measuring the cues.
 */
public final class ProbeCheck {
    public static final double MIN_AUROC = 0.75;
    static final int SIDE = 224;
    static final double[] LAMBDAS = {0.1, 1, 10, 100, 1000};

    /** AUROCs per evaluated window (1..W-1), for the probe and for the cue statistics on the same protocol. */
    public record Report(List<String> windows, List<Double> probe, List<Double> cue, Map<String, Double> probePerGenerator) {
        public boolean passes() {
            return probe.stream().allMatch(a -> a >= MIN_AUROC);
        }

        public void print(PrintStream out) {
            for (int k = 0; k < probe.size(); k++) {
                out.printf(Locale.ROOT, "probe check: windows 0..%d -> window %d (%s): probe AUROC %.3f, cue AUROC %.3f%n",
                        k, k + 1, windows.get(k + 1), probe.get(k), cue.get(k));
            }
            probePerGenerator.forEach((g, a) -> out.printf(Locale.ROOT, "  %-24s probe %.3f%n", g, a));
        }
    }

    private ProbeCheck() {}

    public static Report run(Path root, Path cache) {
        List<List<String>> windows = windows(root);
        Path model = new ModelStore(cache).probeBackbone();
        Data train = load(root.resolve("train"), model, "train");
        Data eval = load(root.resolve("validation"), model, "validation");
        List<Double> probe = new ArrayList<>();
        List<Double> cue = new ArrayList<>();
        Map<String, Double> perGenerator = new java.util.LinkedHashMap<>();
        for (int k = 1; k < windows.size(); k++) {
            Set<String> seen = new HashSet<>();
            windows.subList(0, k).forEach(seen::addAll);
            Set<String> next = new HashSet<>(windows.get(k));
            List<Integer> trainRows = train.rowsOf(seen);
            List<Integer> evalRows = eval.rowsOf(next);
            int[] yTrain = train.labels(trainRows);
            int[] yEval = eval.labels(evalRows);
            double lambda = chooseLambda(train.probe(trainRows), yTrain, train.groups(trainRows));
            double[] scores = fitAndScore(train.probe(trainRows), yTrain, eval.probe(evalRows), lambda);
            probe.add(Auroc.of(scores, yEval));
            cue.add(Math.max(Auroc.of(CueCheck.scores(train.cues(trainRows), yTrain, eval.cues(evalRows), false), yEval),
                    Auroc.of(CueCheck.scores(train.cues(trainRows), yTrain, eval.cues(evalRows), true), yEval)));
            for (String g : windows.get(k)) {
                List<Integer> idx = new ArrayList<>();
                for (int i = 0; i < evalRows.size(); i++) {
                    if (eval.owner.get(evalRows.get(i)).equals(g)) {
                        idx.add(i);
                    }
                }
                perGenerator.put(g, Auroc.of(idx.stream().mapToDouble(i -> scores[i]).toArray(), idx.stream().mapToInt(i -> yEval[i]).toArray()));
            }
        }
        List<String> names = windows.stream().map(w -> String.join(", ", w)).toList();
        return new Report(names, probe, cue, perGenerator);
    }

    /** Windows of 4 from generators.csv in date order (the mini benchmark has distinct dates, so no ties). */
    static List<List<String>> windows(Path root) {
        try {
            List<String> lines = Files.readAllLines(root.resolve("generators.csv"), StandardCharsets.UTF_8);
            List<String[]> rows = new ArrayList<>();
            for (String l : lines.subList(1, lines.size())) {
                if (!l.isBlank()) {
                    rows.add(l.split(","));
                }
            }
            rows.sort((a, b) -> a[1].compareTo(b[1]) != 0 ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
            List<List<String>> out = new ArrayList<>();
            for (int i = 0; i < rows.size(); i += 4) {
                out.add(rows.subList(i, Math.min(rows.size(), i + 4)).stream().map(r -> r[0]).toList());
            }
            return out;
        } catch (IOException e) {
            throw new UserError(root.resolve("generators.csv") + " is missing or unreadable; the probe check needs the catalogue.", e);
        }
    }

    /** Features of one split, with each real attributed to the generator of the fake it is paired with. */
    private record Data(double[][] probeX, double[][] cueX, int[] y, List<String> owner, List<String> group) {
        List<Integer> rowsOf(Set<String> generators) {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                if (generators.contains(owner.get(i))) {
                    out.add(i);
                }
            }
            return out;
        }

        double[][] probe(List<Integer> rows) {
            return rows.stream().map(i -> probeX[i]).toArray(double[][]::new);
        }

        double[][] cues(List<Integer> rows) {
            return rows.stream().map(i -> cueX[i]).toArray(double[][]::new);
        }

        int[] labels(List<Integer> rows) {
            return rows.stream().mapToInt(i -> y[i]).toArray();
        }

        List<String> groups(List<Integer> rows) {
            return rows.stream().map(group::get).toList();
        }
    }

    private static Data load(Path split, Path model, String name) {
        List<HfSplitReader.Row> rows = HfSplitReader.read(split);
        Map<String, String> realOwner = new HashMap<>();
        for (HfSplitReader.Row r : rows) {
            if (r.label() == 1) {
                r.pairedRealImages().forEach(id -> realOwner.put(id, r.generator()));
            }
        }
        double[][] probe = new double[rows.size()][];
        double[][] cue = new double[rows.size()][];
        int[] y = new int[rows.size()];
        List<String> owner = new ArrayList<>();
        List<String> group = new ArrayList<>();
        OrtEnvironment env = OnnxRuntime.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            try (OrtSession session = env.createSession(model.toString(), options);
                    Progress progress = Progress.start("probe features (" + name + ")", rows.size(), "img")) {
                for (int i = 0; i < rows.size(); i++) {
                    HfSplitReader.Row r = rows.get(i);
                    probe[i] = features(env, session, r.image());
                    cue[i] = CueFeatures.of(r.image());
                    y[i] = r.label();
                    String o = r.label() == 1 ? r.generator() : realOwner.getOrDefault(r.fileId(), "");
                    owner.add(o);
                    // Pairs share a source crop; folds keep a pair together (the real's id names the fake's pair).
                    group.add(r.label() == 1 ? r.pairedRealImages().stream().findFirst().orElse(r.fileId()) : r.fileId());
                    progress.step();
                }
            }
        } catch (OrtException e) {
            throw new UserError("ONNX Runtime failed on the probe backbone " + model + " (" + e.getMessage() + "); delete it and rerun.", e);
        }
        return new Data(probe, cue, y, owner, group);
    }

    // One 224² centre crop after scaling the short side up to 224 when it is shorter; RGB, pixel/255, NHWC.
    private static double[] features(OrtEnvironment env, OrtSession session, byte[] encoded) throws OrtException {
        Mat bgr = OpenCvImages.decode(encoded).orElseThrow(() -> new IllegalStateException("an image of the dataset does not decode"));
        try (bgr; Mat rgb = new Mat(); Mat f = new Mat()) {
            Mat src = bgr;
            int shortSide = Math.min(bgr.cols(), bgr.rows());
            Mat scaled = null;
            if (shortSide < SIDE) {
                double s = (double) SIDE / shortSide;
                scaled = OpenCvImages.resized(bgr, Math.max(SIDE, (int) Math.round(bgr.cols() * s)), Math.max(SIDE, (int) Math.round(bgr.rows() * s)), INTER_LINEAR);
                src = scaled;
            }
            try (Mat crop = new Mat(src, new Rect((src.cols() - SIDE) / 2, (src.rows() - SIDE) / 2, SIDE, SIDE)).clone()) {
                cvtColor(crop, rgb, COLOR_BGR2RGB);
                rgb.convertTo(f, CV_32FC3, 1 / 255.0, 0);
            } finally {
                if (scaled != null) {
                    scaled.close();
                }
            }
            float[] data = new float[SIDE * SIDE * 3];
            new FloatPointer(f.data()).get(data);
            FloatBuffer buffer = ByteBuffer.allocateDirect(4 * data.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
            buffer.put(data).flip();
            try (OnnxTensor t = OnnxTensor.createTensor(env, buffer, new long[] {1, SIDE, SIDE, 3});
                    OrtSession.Result result = session.run(Map.of("input", t), Set.of("early"))) {
                float[][] out = (float[][]) result.get(0).getValue();
                double[] d = new double[out[0].length];
                for (int j = 0; j < d.length; j++) {
                    d[j] = out[0][j];
                }
                return d;
            }
        }
    }

    /** The penalty with the best mean AUROC over 4 folds that keep each pair in one fold. */
    static double chooseLambda(double[][] x, int[] y, List<String> groups) {
        double best = LAMBDAS[0];
        double bestAuroc = -1;
        for (double lambda : LAMBDAS) {
            double sum = 0;
            int folds = 0;
            for (int fold = 0; fold < 4; fold++) {
                List<Integer> fit = new ArrayList<>();
                List<Integer> held = new ArrayList<>();
                for (int i = 0; i < y.length; i++) {
                    (Math.floorMod(groups.get(i).hashCode(), 4) == fold ? held : fit).add(i);
                }
                if (held.isEmpty() || fit.isEmpty()) {
                    continue;
                }
                double[] s = fitAndScore(fit.stream().map(i -> x[i]).toArray(double[][]::new), fit.stream().mapToInt(i -> y[i]).toArray(),
                        held.stream().map(i -> x[i]).toArray(double[][]::new), lambda);
                double a = Auroc.of(s, held.stream().mapToInt(i -> y[i]).toArray());
                if (!Double.isNaN(a)) {
                    sum += a;
                    folds++;
                }
            }
            if (folds > 0 && sum / folds > bestAuroc) {
                bestAuroc = sum / folds;
                best = lambda;
            }
        }
        return best;
    }

    static double[] fitAndScore(double[][] trainX, int[] trainY, double[][] evalX, double lambda) {
        int d = trainX[0].length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (double[] r : trainX) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / trainX.length;
            }
        }
        for (double[] r : trainX) {
            for (int j = 0; j < d; j++) {
                std[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / trainX.length;
            }
        }
        double[][] a = standardised(trainX, mean, std);
        double[][] b = standardised(evalX, mean, std);
        LogisticRegression m = LogisticRegression.fit(a, trainY, lambda);
        double[] s = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            s[i] = m.probability(b[i]);
        }
        return s;
    }

    private static double[][] standardised(double[][] x, double[] mean, double[] variance) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                double sd = Math.sqrt(variance[j]);
                out[i][j] = sd > 1e-12 ? (x[i][j] - mean[j]) / sd : 0;
            }
        }
        return out;
    }
}
