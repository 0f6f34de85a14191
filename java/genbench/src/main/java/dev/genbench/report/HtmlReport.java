package dev.genbench.report;

import static dev.genbench.report.Svg.escape;
import dev.genbench.evaluate.ExperimentEvaluation;
import dev.genbench.evaluate.WindowEvaluation;
import dev.genbench.metrics.BinaryMetric;
import dev.genbench.metrics.BinaryMetrics;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.MetricValue;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML page of the report: a leaderboard, the next-period AUROC of every experiment over windows,
 * then, per experiment, the window × generator AUROC heatmap, ROC curves and a table of metrics per
 * window. The page is well-formed XML (XHTML syntax) so tests can parse it, and carries everything it
 * shows: no script, no font or stylesheet to fetch.
 */
final class HtmlReport {
    private HtmlReport() {}

    private static final String STYLE = """
            :root { --ink: #1f2933; --muted: #616e7c; --rule: #d9dee3; --bg: #ffffff; --band: #f5f7f9; }
            * { box-sizing: border-box; }
            body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
                   color: var(--ink); background: var(--bg); }
            main { max-width: 1180px; margin: 0 auto; padding: 28px 32px 64px; }
            h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
            h2 { font-size: 19px; margin: 40px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--rule); }
            h3 { font-size: 15px; margin: 26px 0 8px; color: var(--muted); font-weight: 600; }
            p.lede, p.note { color: var(--muted); max-width: 860px; }
            p.note { font-size: 12.5px; }
            .scroll { overflow-x: auto; }
            table { border-collapse: collapse; margin: 8px 0 4px; font-variant-numeric: tabular-nums; }
            th, td { padding: 5px 10px; text-align: right; border-bottom: 1px solid var(--rule); white-space: nowrap; }
            th { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600; }
            td.name, th.name { text-align: left; }
            tbody tr:nth-child(even) { background: var(--band); }
            td.best { font-weight: 700; }
            td.na { color: #9aa5b1; }
            .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 8px; vertical-align: 0; }
            .charts { display: flex; flex-wrap: wrap; gap: 24px 40px; align-items: flex-start; }
            figure { margin: 0; }
            figcaption { color: var(--muted); font-size: 12.5px; max-width: 520px; margin-top: 4px; }
            svg.chart { display: block; overflow: visible; }
            svg .tick { font-size: 11px; fill: var(--muted); }
            svg .label { font-size: 11.5px; fill: var(--ink); }
            svg .group { font-size: 11px; fill: var(--muted); font-weight: 600; }
            svg .axis-title { font-size: 12px; fill: var(--muted); }
            svg .cell { font-size: 10.5px; fill: #1f2933; }
            svg .cell.light { fill: #ffffff; }
            svg .grid { stroke: #e6e9ed; stroke-width: 1; }
            svg .chance { stroke: #9aa5b1; stroke-width: 1; stroke-dasharray: 4 4; }
            svg .group-rule { stroke: #c2c9d1; stroke-width: 1; }
            svg .stair { stroke: #1f2933; stroke-width: 2; }
            svg .series { stroke-width: 2; stroke-linejoin: round; }
            svg .series.roc { stroke-width: 1.6; }
            footer { margin-top: 48px; color: var(--muted); font-size: 12px; }
            """;

    static String render(List<ExperimentEvaluation> ranked, Map<String, Throughput> throughput) {
        var h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
                .append("<title>genbench report</title><style>").append(STYLE).append("</style></head><body><main>");
        h.append("<h1>AI-GenBench report</h1><p class=\"lede\">").append(ranked.size())
                .append(ranked.size() == 1 ? " experiment" : " experiments")
                .append(", scored from their ").append(escape(ranked.getFirst().options().stage().key()))
                .append(" predictions. The headline is the next-period AUROC: the model trained up to window k, scored on the ")
                .append("generators of window k+1 against the real images paired with them, averaged over windows 0..W-2.</p>");

        h.append("<h2>Leaderboard</h2><div class=\"scroll\"><table><thead><tr><th>#</th><th class=\"name\">experiment</th>")
                .append("<th>next-period AUROC</th><th>windows</th><th>last window</th>")
                .append("<th title=\"AUROC of the last evaluated window's model on windows 0..k\">growing</th>")
                .append("<th title=\"AUROC of the last evaluated window's model on every image\">all images</th>")
                .append("</tr></thead><tbody>");
        for (int i = 0; i < ranked.size(); i++) {
            ExperimentEvaluation e = ranked.get(i);
            WindowEvaluation last = e.windows().getLast();
            h.append("<tr><td>").append(i + 1).append("</td><td class=\"name\"><span class=\"swatch\" style=\"background:")
                    .append(Charts.EXPERIMENT_COLOURS[i % Charts.EXPERIMENT_COLOURS.length]).append("\"></span>")
                    .append(escape(e.name())).append("</td>")
                    .append(cell(e.headline().mean(), i == 0 && e.headline().mean().isDefined() ? "best" : null))
                    .append("<td>").append(e.headline().windowsAveraged()).append(" of ").append(e.windowCount() - 1).append("</td>")
                    .append(cell(e.headline().lastWindow(), null))
                    .append(cell(last.mechanism(Mechanism.GROWING).get(BinaryMetric.AUROC), null))
                    .append(cell(last.all().get(BinaryMetric.AUROC), null)).append("</tr>");
        }
        h.append("</tbody></table></div><p class=\"note\">The last window has no next window: its immediate-future subset falls ")
                .append("back to its own, already seen, generators, so it is shown apart and not averaged (published figures may ")
                .append("average all windows; compare with care). Windows: how many were averaged, of W-1. Growing and all ")
                .append("images: AUROC of the last evaluated window's model on windows 0..k and on every image.</p>");

        h.append("<h2>Next-period AUROC over windows</h2><figure>").append(Charts.nextPeriodLines(ranked))
                .append("<figcaption>Each point is the model after window k scored on window k+1. The hollow point is the ")
                .append("last window, scored on its own generators.</figcaption></figure>");

        if (throughput.values().stream().anyMatch(t -> !t.points().isEmpty())) {
            h.append("<h2>Training throughput</h2><figure>").append(Charts.throughputLines(ranked, throughput))
                    .append("<figcaption>Training images per second as logged (").append(Throughput.TAG)
                    .append("), over the steps of all windows.</figcaption></figure>");
        }

        for (int i = 0; i < ranked.size(); i++) {
            ExperimentEvaluation e = ranked.get(i);
            h.append("<h2 id=\"exp-").append(i + 1).append("\">").append(escape(e.name())).append("</h2>");
            h.append("<div class=\"charts\"><figure><h3>AUROC per generator and window</h3>").append(Charts.heatmap(e))
                    .append("<figcaption>Each generator's fakes against the real images paired with it. Below the black ")
                    .append("staircase: generators of windows the model had been trained on.</figcaption></figure>")
                    .append("<figure><h3>ROC curves on the next period</h3>").append(Charts.rocCurves(e))
                    .append("<figcaption>One curve per window's model, on the next window's generators and their paired reals.")
                    .append("</figcaption></figure></div>");
            h.append("<h3>Metrics per window</h3><div class=\"scroll\"><table><thead><tr><th>window</th>")
                    .append("<th title=\"AUROC on the next window's generators\">next AUROC</th><th>AP</th>")
                    .append("<th>bal. acc.</th><th>recall</th><th>precision</th><th>F1</th>")
                    .append("<th title=\"BestBinaryThresholdF1: the threshold with the best F1\">best thr.</th>")
                    .append("<th title=\"AUROC on windows 0..k\">growing</th>")
                    .append("<th title=\"AUROC on windows 0..k+1\">growing whole</th>")
                    .append("<th title=\"AUROC on windows 0..k-1\">past</th><th>fake / real</th></tr></thead><tbody>");
            for (WindowEvaluation w : e.windows()) {
                BinaryMetrics next = w.mechanism(Mechanism.IMMEDIATE_FUTURE);
                h.append("<tr><td>").append(w.window()).append("</td>")
                        .append(cell(next.get(BinaryMetric.AUROC), null))
                        .append(cell(next.get(BinaryMetric.AVERAGE_PRECISION), null))
                        .append(cell(next.get(BinaryMetric.BALANCED_ACCURACY), null))
                        .append(cell(next.get(BinaryMetric.RECALL), null))
                        .append(cell(next.get(BinaryMetric.PRECISION), null))
                        .append(cell(next.get(BinaryMetric.F1), null))
                        .append(cell(next.get(BinaryMetric.BEST_THRESHOLD_F1), null))
                        .append(cell(w.mechanism(Mechanism.GROWING).get(BinaryMetric.AUROC), null))
                        .append(cell(w.mechanism(Mechanism.GROWING_WHOLE).get(BinaryMetric.AUROC), null))
                        .append(cell(w.mechanism(Mechanism.PAST).get(BinaryMetric.AUROC), null))
                        .append("<td>").append(next.fakes()).append(" / ").append(next.reals()).append("</td></tr>");
            }
            h.append("</tbody></table></div><p class=\"note\">Columns up to best thr. are on the next window's ")
                    .append("generators; growing, growing whole and past give AUROC. Threshold metrics use score &gt; ")
                    .append(String.format(Locale.ROOT, "%.3f", e.options().threshold()))
                    .append(" as fake. Pairing: ").append(e.options().usePairing() ? "on" : "off (every real image counts)")
                    .append(".</p>");
        }
        h.append("<footer>Written by genbench. Numbers: summary.json and summary.csv beside this page.</footer>");
        h.append("</main></body></html>\n");
        return h.toString();
    }

    private static String cell(MetricValue v, String cssClass) {
        if (v instanceof MetricValue.NotDefined(String reason)) {
            return "<td class=\"na\" title=\"" + escape(reason) + "\">–</td>";
        }
        return "<td" + (cssClass == null ? "" : " class=\"" + cssClass + "\"") + ">"
                + String.format(Locale.ROOT, "%.4f", v.value()) + "</td>";
    }
}
