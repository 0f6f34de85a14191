package dev.genbench.report;

import dev.genbench.evaluate.ExperimentEvaluation;
import dev.genbench.evaluate.WindowEvaluation;
import dev.genbench.metrics.BinaryMetric;
import dev.genbench.metrics.EvaluatedImages;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.MetricValue;
import dev.genbench.metrics.RankingCurve;
import dev.genbench.metrics.Subset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;

/** The report's charts, each a self-contained inline SVG. */
final class Charts {
    /** Categorical colours for experiments (Tableau 10), distinguishable for common colour-vision deficiencies. */
    static final String[] EXPERIMENT_COLOURS = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
            "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
    /** Viridis stops: windows are ordered in time, so they get an ordered scale. */
    private static final int[][] VIRIDIS = {{68, 1, 84}, {72, 40, 120}, {62, 74, 137}, {49, 104, 142}, {38, 130, 142},
            {31, 158, 137}, {53, 183, 121}, {110, 206, 88}, {181, 222, 43}, {253, 231, 37}};

    private Charts() {}

    /** Colour of window {@code k} of {@code count}, dark (early) to light (late). */
    static String windowColour(int k, int count) {
        double t = count <= 1 ? 0 : (double) k / (count - 1) * 0.85; // stop before the palest yellow
        double pos = t * (VIRIDIS.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(i + 1, VIRIDIS.length - 1);
        double f = pos - i;
        return rgb(lerp(VIRIDIS[i][0], VIRIDIS[j][0], f), lerp(VIRIDIS[i][1], VIRIDIS[j][1], f),
                lerp(VIRIDIS[i][2], VIRIDIS[j][2], f));
    }

    /** Diverging colour for an AUROC: red below chance, near white at 0.5, blue towards 1. */
    static String aurocColour(double v) {
        int[] red = {178, 24, 43}, mid = {247, 247, 247}, blue = {33, 102, 172};
        double x = Math.clamp(v, 0, 1);
        int[] a = x < 0.5 ? red : mid, b = x < 0.5 ? mid : blue;
        double f = x < 0.5 ? x / 0.5 : (x - 0.5) / 0.5;
        return rgb(lerp(a[0], b[0], f), lerp(a[1], b[1], f), lerp(a[2], b[2], f));
    }

    /**
     * Generators (rows, in timeline order, grouped by window) against the model of each window
     * (columns): each fake generator's AUROC against its paired reals. Cells above the staircase are
     * generators the model had not been trained on yet.
     */
    static String heatmap(ExperimentEvaluation e) {
        WindowEvaluation first = e.windows().getFirst();
        List<String> names = first.generatorNames();
        var rows = new ArrayList<int[]>(); // {generator id, window of the generator}
        for (int w = 0; w < first.order().count(); w++) {
            for (int g : first.order().window(w)) {
                rows.add(new int[] {g, w});
            }
        }
        int cols = e.windows().size();
        double left = 230, top = 46, cellW = 56, cellH = 20;
        double legendWidth = 8 + 48 + 11 * 22 + 20 + 24 + 6 + 110;
        int width = (int) Math.max(left + cols * cellW + 24, legendWidth);
        int height = (int) (top + rows.size() * cellH + 64);
        var svg = new Svg(width, height, "AUROC per generator (rows) for the model of each window (columns)");
        svg.text(left + cols * cellW / 2, 14, "model after window", "middle", "axis-title", 0);
        for (int k = 0; k < cols; k++) {
            svg.text(left + k * cellW + cellW / 2, top - 10, Integer.toString(k), "middle", "tick", 0);
        }
        for (int r = 0; r < rows.size(); r++) {
            int g = rows.get(r)[0], gw = rows.get(r)[1];
            double y = top + r * cellH;
            svg.text(left - 8, y + cellH * 0.7, names.get(g), "end", "label", 0);
            for (int k = 0; k < cols; k++) {
                MetricValue v = e.windows().get(k).perGenerator().get(g).get(BinaryMetric.AUROC);
                String where = names.get(g) + " (window " + gw + "), model after window " + k;
                double x = left + k * cellW;
                if (v.isDefined()) {
                    svg.rect(x + 0.5, y + 0.5, cellW - 1, cellH - 1, aurocColour(v.value()),
                            where + ": AUROC " + fmt(v.value()) + (gw > k ? " (not yet trained on)" : ""));
                    boolean dark = Math.abs(v.value() - 0.5) > 0.3;
                    svg.text(x + cellW / 2, y + cellH * 0.7, fmt2(v.value()), "middle", dark ? "cell light" : "cell", 0);
                } else {
                    svg.rect(x + 0.5, y + 0.5, cellW - 1, cellH - 1, "#e0e0e0", where + ": " + v);
                    svg.text(x + cellW / 2, y + cellH * 0.7, "–", "middle", "cell", 0);
                }
            }
            boolean firstOfWindow = r == 0 || rows.get(r - 1)[1] != gw;
            if (firstOfWindow) {
                if (r > 0) {
                    svg.line(8, y, left + cols * cellW, y, "group-rule");
                }
                svg.text(8, y + cellH * 0.7, "window " + gw, "start", "group", 0);
            }
        }
        // Staircase: below it, generators of windows the model has been trained on.
        for (int k = 0; k < cols; k++) {
            int seenRows = 0;
            for (int[] row : rows) {
                if (row[1] <= k) seenRows++;
            }
            double x = left + k * cellW, y = top + seenRows * cellH;
            svg.line(x, y, x + cellW, y, "stair");
            if (k + 1 < cols) {
                int nextSeen = 0;
                for (int[] row : rows) {
                    if (row[1] <= k + 1) nextSeen++;
                }
                svg.line(x + cellW, y, x + cellW, top + nextSeen * cellH, "stair");
            }
        }
        double ly = top + rows.size() * cellH + 30;
        double lx = 8;
        svg.text(lx, ly - 6, "AUROC", "start", "tick", 0);
        for (int i = 0; i <= 10; i++) {
            double v = i / 10.0;
            svg.rect(lx + 48 + i * 22, ly - 16, 22, 12, aurocColour(v), "AUROC " + fmt2(v));
            if (i % 5 == 0) {
                svg.text(lx + 48 + i * 22 + 11, ly + 10, fmt2(v), "middle", "tick", 0);
            }
        }
        double sx = lx + 48 + 11 * 22 + 20;
        svg.line(sx, ly - 10, sx + 24, ly - 10, "stair");
        svg.text(sx + 30, ly - 6, "trained up to here", "start", "tick", 0);
        return svg.end();
    }

    /** Next-period AUROC of each experiment, window by window; the last window is hollow (its own generators). */
    static String nextPeriodLines(List<ExperimentEvaluation> experiments) {
        int maxWindows = 1;
        double lowest = 0.5;
        for (ExperimentEvaluation e : experiments) {
            maxWindows = Math.max(maxWindows, e.windowCount());
            for (MetricValue v : e.headline().perWindow()) {
                if (v.isDefined()) lowest = Math.min(lowest, v.value());
            }
        }
        double yMin = Math.floor(lowest * 10) / 10;
        double left = 56, top = 20, plotW = Math.max(360, 64 * maxWindows), plotH = 260;
        int width = (int) (left + plotW + 24);
        int legendRows = experiments.size();
        int height = (int) (top + plotH + 48 + 18 * legendRows);
        var svg = new Svg(width, height, "Next-period AUROC over windows");
        double xStep = maxWindows > 1 ? plotW / (maxWindows - 1) : 0;
        for (double v = yMin; v <= 1.0001; v += 0.1) {
            double y = top + plotH - (v - yMin) / (1 - yMin) * plotH;
            svg.line(left, y, left + plotW, y, Math.abs(v - 0.5) < 1e-9 ? "chance" : "grid");
            svg.text(left - 8, y + 4, fmt2(v), "end", "tick", 0);
        }
        for (int k = 0; k < maxWindows; k++) {
            double x = left + k * xStep;
            svg.text(x, top + plotH + 18, Integer.toString(k), "middle", "tick", 0);
        }
        svg.text(left + plotW / 2, top + plotH + 36, "model after window", "middle", "axis-title", 0);
        svg.text(14, top + plotH / 2, "AUROC on the next window", "middle", "axis-title", -90);
        for (int i = 0; i < experiments.size(); i++) {
            ExperimentEvaluation e = experiments.get(i);
            String colour = EXPERIMENT_COLOURS[i % EXPERIMENT_COLOURS.length];
            List<MetricValue> values = e.headline().perWindow();
            var xs = new ArrayList<Double>();
            var ys = new ArrayList<Double>();
            for (int k = 0; k < values.size(); k++) {
                MetricValue v = values.get(k);
                if (!v.isDefined()) continue;
                double x = left + k * xStep, y = top + plotH - (v.value() - yMin) / (1 - yMin) * plotH;
                boolean fallback = k == e.windowCount() - 1;
                if (!fallback) {
                    xs.add(x);
                    ys.add(y);
                }
                String tip = e.name() + ", window " + k + ": " + fmt(v.value())
                        + (fallback ? " (last window: scored on its own generators)" : "");
                if (fallback) {
                    svg.circle(x, y, 4.5, colour, tip);
                    svg.circle(x, y, 2.5, "#ffffff", tip);
                } else {
                    svg.circle(x, y, 4, colour, tip);
                }
            }
            svg.polyline(xs.stream().mapToDouble(Double::doubleValue).toArray(),
                    ys.stream().mapToDouble(Double::doubleValue).toArray(), colour, "series", e.name());
            double ly = top + plotH + 56 + 18 * i;
            svg.rect(left, ly - 6, 22, 4, colour, null);
            svg.text(left + 30, ly, e.name() + " — mean " + (e.headline().mean().isDefined()
                    ? fmt(e.headline().mean().value()) : "not defined"), "start", "label", 0);
        }
        return svg.end();
    }

    /** ROC curve of each window's model on its next-period subset. */
    static String rocCurves(ExperimentEvaluation e) {
        double left = 52, top = 16, size = 300;
        int cols = e.windows().size();
        int width = (int) (left + size + 200);
        int height = (int) Math.max(top + size + 48, top + 20 + 18 * cols);
        var svg = new Svg(width, height, "ROC curves of each window's model on the next window's generators");
        for (int i = 0; i <= 4; i++) {
            double v = i / 4.0;
            svg.line(left, top + size - v * size, left + size, top + size - v * size, "grid");
            svg.line(left + v * size, top, left + v * size, top + size, "grid");
            svg.text(left - 6, top + size - v * size + 4, fmt2(v), "end", "tick", 0);
            svg.text(left + v * size, top + size + 16, fmt2(v), "middle", "tick", 0);
        }
        svg.line(left, top + size, left + size, top, "chance");
        svg.text(left + size / 2, top + size + 34, "false positive rate (reals called fake)", "middle", "axis-title", 0);
        svg.text(14, top + size / 2, "true positive rate", "middle", "axis-title", -90);
        for (int k = 0; k < cols; k++) {
            WindowEvaluation w = e.windows().get(k);
            SortedSet<Integer> gens = Mechanism.IMMEDIATE_FUTURE.generators(w.order(), k);
            Subset subset = e.options().usePairing() ? Subset.generators(gens) : Subset.generatorsWithEveryReal(gens);
            EvaluatedImages.Selection sel = subset.select(w.images());
            String colour = windowColour(k, e.windowCount());
            MetricValue auroc = w.mechanism(Mechanism.IMMEDIATE_FUTURE).get(BinaryMetric.AUROC);
            String label = "window " + k + (auroc.isDefined() ? " — " + fmt(auroc.value()) : " — not defined");
            double ly = top + 12 + 18 * k;
            svg.rect(left + size + 20, ly - 8, 16, 4, colour, null);
            svg.text(left + size + 42, ly - 3, label, "start", "label", 0);
            if (!auroc.isDefined() || hasNaN(sel.scores())) continue;
            double[] widened = new double[sel.size()];
            for (int i = 0; i < widened.length; i++) widened[i] = sel.scores()[i];
            double[][] pts = RankingCurve.of(widened, sel.fake()).rocPoints();
            double[][] kept = simplify(pts[0], pts[1], 0.004);
            double[] xs = new double[kept[0].length], ys = new double[kept[0].length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = left + kept[0][i] * size;
                ys[i] = top + size - kept[1][i] * size;
            }
            svg.polyline(xs, ys, colour, "series roc", label);
        }
        return svg.end();
    }

    /** Images per second over training steps, one line per experiment (colour by leaderboard rank). */
    static String throughputLines(List<ExperimentEvaluation> ranked, Map<String, Throughput> throughput) {
        double maxStep = 1, maxRate = 1;
        for (Throughput t : throughput.values()) {
            for (Throughput.Point p : t.points()) {
                maxStep = Math.max(maxStep, p.step());
                maxRate = Math.max(maxRate, p.imagesPerSecond());
            }
        }
        double yMax = niceCeiling(maxRate);
        double left = 64, top = 16, plotW = 620, plotH = 220;
        var svg = new Svg((int) (left + plotW + 24), (int) (top + plotH + 48), "Training throughput in images per second");
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double y = top + plotH - plotH * i / 4.0;
            svg.line(left, y, left + plotW, y, "grid");
            svg.text(left - 8, y + 4, String.format(Locale.ROOT, "%.0f", v), "end", "tick", 0);
            double step = maxStep * i / 4;
            svg.text(left + plotW * i / 4.0, top + plotH + 18, String.format(Locale.ROOT, "%.0f", step), "middle", "tick", 0);
        }
        svg.text(left + plotW / 2, top + plotH + 36, "step", "middle", "axis-title", 0);
        svg.text(14, top + plotH / 2, "images / s", "middle", "axis-title", -90);
        for (int i = 0; i < ranked.size(); i++) {
            Throughput t = throughput.get(ranked.get(i).name());
            if (t == null || t.points().isEmpty()) continue;
            double[] xs = new double[t.points().size()], ys = new double[xs.length];
            for (int j = 0; j < xs.length; j++) {
                Throughput.Point p = t.points().get(j);
                xs[j] = left + p.step() / maxStep * plotW;
                ys[j] = top + plotH - p.imagesPerSecond() / yMax * plotH;
            }
            svg.polyline(xs, ys, EXPERIMENT_COLOURS[i % EXPERIMENT_COLOURS.length], "series", t.experiment());
        }
        return svg.end();
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code v}. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) return m * p;
        }
        return 10 * p;
    }

    private static boolean hasNaN(float[] s) {
        for (float v : s) {
            if (Float.isNaN(v)) return true;
        }
        return false;
    }

    /** Drops points closer than {@code eps} to the last kept one; keeps the first and last. */
    static double[][] simplify(double[] x, double[] y, double eps) {
        if (x.length <= 2) return new double[][] {x, y};
        var kx = new ArrayList<Double>();
        var ky = new ArrayList<Double>();
        kx.add(x[0]);
        ky.add(y[0]);
        for (int i = 1; i < x.length - 1; i++) {
            double dx = x[i] - kx.getLast(), dy = y[i] - ky.getLast();
            if (dx * dx + dy * dy >= eps * eps) {
                kx.add(x[i]);
                ky.add(y[i]);
            }
        }
        kx.add(x[x.length - 1]);
        ky.add(y[y.length - 1]);
        return new double[][] {kx.stream().mapToDouble(Double::doubleValue).toArray(),
                ky.stream().mapToDouble(Double::doubleValue).toArray()};
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static int lerp(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }

    private static String rgb(int r, int g, int b) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }
}
