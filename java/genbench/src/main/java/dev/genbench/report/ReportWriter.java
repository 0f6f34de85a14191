package dev.genbench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genbench.evaluate.ExperimentEvaluation;
import dev.genbench.evaluate.WindowEvaluation;
import dev.genbench.io.AtomicFiles;
import dev.genbench.metrics.BinaryMetric;
import dev.genbench.metrics.BinaryMetrics;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.MetricNames;
import dev.genbench.metrics.MetricValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the report of one or more evaluated experiments: {@code summary.json} (everything, for
 * programs), {@code summary.csv} (one metric value a row, for spreadsheets and pandas) and
 * {@code report.html} (a leaderboard and charts, self-contained: inline SVG and CSS, no script, no
 * network). Each file is written atomically.
 */
public final class ReportWriter {
    public static final String JSON = "summary.json";
    public static final String CSV = "summary.csv";
    public static final String HTML = "report.html";
    public static final String LEADERBOARD = "leaderboard.md";

    private ReportWriter() {}

    public record Written(Path json, Path csv, Path html, Path leaderboard) {}

    public static Written write(Path outDir, List<ExperimentEvaluation> experiments) {
        return write(outDir, experiments, Map.of());
    }

    /**
     * As {@link #write(Path, List)}, with each experiment's training throughput (keyed by experiment
     * name) drawn over steps; experiments without points are left out of that chart.
     */
    public static Written write(Path outDir, List<ExperimentEvaluation> experiments, Map<String, Throughput> throughput) {
        if (experiments.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one experiment");
        }
        var w = new Written(outDir.resolve(JSON), outDir.resolve(CSV), outDir.resolve(HTML), outDir.resolve(LEADERBOARD));
        AtomicFiles.writeString(w.json(), json(experiments));
        AtomicFiles.writeString(w.csv(), csv(experiments));
        AtomicFiles.writeString(w.html(), HtmlReport.render(leaderboard(experiments), throughput));
        AtomicFiles.writeString(w.leaderboard(), leaderboardMarkdown(experiments));
        return w;
    }

    /** Experiments by mean next-period AUROC, best first; those without one last, by name. */
    static List<ExperimentEvaluation> leaderboard(List<ExperimentEvaluation> experiments) {
        var sorted = new ArrayList<>(experiments);
        sorted.sort(Comparator.comparingDouble((ExperimentEvaluation e) -> -e.headline().mean().orElse(Double.NEGATIVE_INFINITY))
                .thenComparing(ExperimentEvaluation::name));
        return sorted;
    }

    /**
     * The leaderboard as the original's README prints it: one row per method with the average-over-time
     * next-period AUC in percent, two decimals.
     */
    static String leaderboardMarkdown(List<ExperimentEvaluation> experiments) {
        var sb = new StringBuilder("| Method | AUC |\n|---|---|\n");
        for (ExperimentEvaluation e : leaderboard(experiments)) {
            MetricValue mean = e.headline().mean();
            sb.append("| ").append(e.name().replace("|", "\\|")).append(" | ")
                    .append(mean.isDefined() ? String.format(Locale.ROOT, "%.2f", 100 * mean.value()) : "–")
                    .append(" |\n");
        }
        sb.append("\nAUC: next-period ROC AUC averaged over windows 0..W-2 (the last window, which has no next window, ")
                .append("is left out).\n");
        return sb.toString();
    }

    static String json(List<ExperimentEvaluation> experiments) {
        var mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("generated_by", "genbench");
        root.put("headline", "mean over windows 0..W-2 of the AUROC on the next window's generators "
                + "(immediate_future); the last window, scored on its own generators, is reported apart");
        ArrayNode list = root.putArray("experiments");
        for (ExperimentEvaluation e : leaderboard(experiments)) {
            ObjectNode x = list.addObject();
            x.put("name", e.name());
            x.put("stage", e.options().stage().key());
            x.put("threshold", e.options().threshold());
            x.put("use_pairing", e.options().usePairing());
            x.put("window_count", e.windowCount());
            x.put("windows_evaluated", e.windows().size());
            ObjectNode h = x.putObject("next_period_auroc");
            put(h, "mean", e.headline().mean());
            h.put("windows_averaged", e.headline().windowsAveraged());
            put(h, "last_window", e.headline().lastWindow());
            ArrayNode perWindow = h.putArray("per_window");
            e.headline().perWindow().forEach(v -> {
                if (v.isDefined()) perWindow.add(v.value()); else perWindow.addNull();
            });
            ArrayNode windows = x.putArray("windows");
            for (WindowEvaluation w : e.windows()) {
                ObjectNode wn = windows.addObject();
                wn.put("window", w.window());
                wn.put("file", w.file().toString());
                metrics(wn.putObject("all"), w.all());
                ObjectNode mech = wn.putObject("mechanisms");
                for (Mechanism m : Mechanism.values()) {
                    metrics(mech.putObject(m.key()), w.mechanism(m));
                }
                ObjectNode gens = wn.putObject("generators");
                for (var g : w.perGenerator().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                    metrics(gens.putObject(MetricNames.subsetName(w.generatorNames().get(g.getKey()))), g.getValue());
                }
            }
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the summary as JSON", e);
        }
    }

    private static void metrics(ObjectNode node, BinaryMetrics m) {
        node.put("n_real", m.reals());
        node.put("n_fake", m.fakes());
        node.put("tp", m.counts().truePositives());
        node.put("fp", m.counts().falsePositives());
        node.put("tn", m.counts().trueNegatives());
        node.put("fn", m.counts().falseNegatives());
        ObjectNode reasons = null;
        for (BinaryMetric metric : BinaryMetric.values()) {
            MetricValue v = m.get(metric);
            put(node, metric.loggedName(), v);
            if (v instanceof MetricValue.NotDefined(String reason)) {
                if (reasons == null) reasons = node.putObject("not_defined");
                reasons.put(metric.loggedName(), reason);
            }
        }
    }

    private static void put(ObjectNode node, String key, MetricValue v) {
        if (v.isDefined()) node.put(key, v.value()); else node.putNull(key);
    }

    static String csv(List<ExperimentEvaluation> experiments) {
        var sb = new StringBuilder("experiment,window,subset,metric,value,note\n");
        for (ExperimentEvaluation e : leaderboard(experiments)) {
            row(sb, e.name(), "", "next_period_mean", BinaryMetric.AUROC.loggedName(), e.headline().mean());
            row(sb, e.name(), "", "next_period_last_window", BinaryMetric.AUROC.loggedName(), e.headline().lastWindow());
            for (WindowEvaluation w : e.windows()) {
                String k = Integer.toString(w.window());
                rows(sb, e.name(), k, MetricNames.ALL, w.all());
                for (Mechanism m : Mechanism.values()) {
                    rows(sb, e.name(), k, m.key(), w.mechanism(m));
                }
                for (var g : w.perGenerator().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                    rows(sb, e.name(), k, "generator:" + MetricNames.subsetName(w.generatorNames().get(g.getKey())),
                            g.getValue());
                }
            }
        }
        return sb.toString();
    }

    private static void rows(StringBuilder sb, String experiment, String window, String subset, BinaryMetrics m) {
        for (BinaryMetric metric : BinaryMetric.values()) {
            row(sb, experiment, window, subset, metric.loggedName(), m.get(metric));
        }
        row(sb, experiment, window, subset, "n_real", MetricValue.of(m.reals()));
        row(sb, experiment, window, subset, "n_fake", MetricValue.of(m.fakes()));
    }

    private static void row(StringBuilder sb, String experiment, String window, String subset, String metric,
                            MetricValue v) {
        sb.append(field(experiment)).append(',').append(window).append(',').append(field(subset)).append(',')
                .append(metric).append(',');
        if (v instanceof MetricValue.NotDefined(String reason)) {
            sb.append(",").append(field("not defined: " + reason));
        } else {
            double d = v.value();
            // Shortest text that reads back as the same double; whole numbers (counts) without ".0".
            sb.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d)).append(',');
        }
        sb.append('\n');
    }

    /** RFC 4180 quoting: only where a comma, quote or line break needs it. */
    static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
