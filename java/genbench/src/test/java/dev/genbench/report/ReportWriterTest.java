package dev.genbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genbench.evaluate.EvaluationOptions;
import dev.genbench.evaluate.ExperimentEvaluation;
import dev.genbench.evaluate.MiniExperiment;
import dev.genbench.evaluate.PredictionsEvaluator;
import dev.genbench.metrics.BinaryMetric;
import dev.genbench.metrics.Mechanism;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class ReportWriterTest {

    static List<ExperimentEvaluation> twoExperiments(Path dir) {
        MiniExperiment.write(dir.resolve("experiment_0"), 3, 1);
        MiniExperiment.write(dir.resolve("experiment_1, partial"), 2, 2);
        return List.of(
                PredictionsEvaluator.evaluateExperiment(dir.resolve("experiment_0"), EvaluationOptions.defaults()),
                PredictionsEvaluator.evaluateExperiment(dir.resolve("experiment_1, partial"), EvaluationOptions.defaults()));
    }

    /** Throughput logged for experiment_0 in two window folders, as a trainer logs it. */
    static java.util.Map<String, Throughput> throughput(Path dir) {
        Path logs = dir.resolve("logs/experiment_0");
        for (int w = 0; w < 2; w++) {
            try (var tb = dev.genbench.io.TensorBoardWriter.open(logs.resolve("window_" + w))) {
                for (int s = 0; s < 20; s++) {
                    tb.scalar(Throughput.TAG, 700 + 40 * Math.sin(s / 3.0) + 30 * w, w * 20L + s);
                }
                tb.scalar("train_loss_step", 0.5, w * 20L);
            }
        }
        return java.util.Map.of("experiment_0", Throughput.fromLogs("experiment_0", logs, Throughput.TAG));
    }

    @Test
    void throughputIsCollectedAcrossWindowFoldersInStepOrderAndDrawn(@TempDir Path dir) throws Exception {
        var throughput = throughput(dir);
        Throughput t = throughput.get("experiment_0");
        assertEquals(40, t.points().size());
        for (int i = 1; i < 40; i++) {
            assertTrue(t.points().get(i - 1).step() <= t.points().get(i).step());
        }
        var written = ReportWriter.write(dir.resolve("report"), twoExperiments(dir), throughput);
        String html = Files.readString(written.html());
        assertTrue(html.contains("Training throughput"));
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(written.html().toFile());
        assertEquals(1 + 1 + 2 * 2, doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg").getLength());
    }

    @Test
    void summaryJsonHoldsTheHeadlineAndEveryWindowsMetricsWithReasonsForGaps(@TempDir Path dir) throws IOException {
        List<ExperimentEvaluation> experiments = twoExperiments(dir);
        var written = ReportWriter.write(dir.resolve("report"), experiments);
        JsonNode root = new ObjectMapper().readTree(Files.readString(written.json()));
        JsonNode exps = root.get("experiments");
        assertEquals(2, exps.size());
        double first = exps.get(0).get("next_period_auroc").get("mean").asDouble();
        double second = exps.get(1).get("next_period_auroc").get("mean").asDouble();
        assertTrue(first >= second, "leaderboard order: best first");
        ExperimentEvaluation e0 = experiments.get(0);
        JsonNode j0 = exps.get(0).get("name").asText().equals(e0.name()) ? exps.get(0) : exps.get(1);
        assertEquals(e0.headline().mean().value(), j0.get("next_period_auroc").get("mean").asDouble());
        assertEquals(e0.windows().get(1).mechanism(Mechanism.GROWING).get(BinaryMetric.AUROC).value(),
                j0.get("windows").get(1).get("mechanisms").get("growing").get("BinaryAUROC").asDouble());
        JsonNode past0 = j0.get("windows").get(0).get("mechanisms").get("past");
        assertTrue(past0.get("BinaryAUROC").isNull());
        assertTrue(past0.get("not_defined").get("BinaryAUROC").asText().contains("past"));
        assertTrue(j0.get("windows").get(0).get("generators").has("real"));
    }

    @Test
    void summaryCsvHasOneValueARowAndQuotesNamesWithCommas(@TempDir Path dir) throws IOException {
        var written = ReportWriter.write(dir.resolve("report"), twoExperiments(dir));
        List<String> lines = Files.readAllLines(written.csv());
        assertEquals("experiment,window,subset,metric,value,note", lines.getFirst());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("\"experiment_1, partial\",,next_period_mean,BinaryAUROC,")));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("experiment_0,0,past,BinaryAUROC,,not defined: the past")));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("experiment_0,2,generator:F,BinaryRecall,")));
        // 2 headline rows + per window (all + 5 mechanisms + 7 generators) x (8 metrics + 2 counts), 5 windows.
        assertEquals(1 + 2 * 2 + 5 * (1 + 5 + 7) * 10, lines.size());
    }

    @Test
    void leaderboardMarkdownPrintsTheHeadlineInPercentLikeTheOriginalsReadme(@TempDir Path dir) throws IOException {
        List<ExperimentEvaluation> experiments = twoExperiments(dir);
        var written = ReportWriter.write(dir.resolve("report"), experiments);
        List<String> lines = Files.readAllLines(written.leaderboard());
        assertEquals("| Method | AUC |", lines.get(0));
        ExperimentEvaluation best = ReportWriter.leaderboard(experiments).getFirst();
        assertEquals("| " + best.name() + " | " + String.format(java.util.Locale.ROOT, "%.2f",
                100 * best.headline().mean().value()) + " |", lines.get(2));
    }

    @Test
    void reportHtmlIsWellFormedSelfContainedAndHasEveryChart(@TempDir Path dir) throws Exception {
        var written = ReportWriter.write(dir.resolve("report"), twoExperiments(dir));
        String html = Files.readString(written.html());
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        // No DOCTYPE fetch: the parser must not reach out either.
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = factory.newDocumentBuilder().parse(written.html().toFile());
        assertEquals("html", doc.getDocumentElement().getLocalName());
        int svgs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg").getLength();
        assertEquals(1 + 2 * 2, svgs, "next-period lines, then a heatmap and ROC curves per experiment");
        assertFalse(html.contains("<script"), "the page needs no script");
        String withoutNamespaces = html.replace("http://www.w3.org/2000/svg", "").replace("http://www.w3.org/1999/xhtml", "");
        assertFalse(withoutNamespaces.contains("http://") || withoutNamespaces.contains("https://"),
                "the page must not load anything from the network");
        assertTrue(html.contains("experiment_1, partial"));
    }
}
