package dev.genbench.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genbench.console.UserError;
import dev.genbench.io.PredictionsFile;
import dev.genbench.metrics.BinaryMetric;
import dev.genbench.metrics.BinaryMetrics;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.MetricValue;
import dev.genbench.metrics.Stage;
import dev.genbench.testing.ReferencePython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionsEvaluatorTest {

    @Test
    void everyMechanismAgreesWithTheScriptsScikitLearnMetrics(@TempDir Path dir) throws IOException {
        ReferencePython.assumeModules("numpy", "sklearn");
        MiniExperiment.write(dir, 3, 11);
        ExperimentEvaluation eval = PredictionsEvaluator.evaluateExperiment(dir, EvaluationOptions.defaults());
        List<Path> files = PredictionsEvaluator.findWindowFiles(dir, "validate");
        var mechanisms = new ArrayList<String>();
        for (Mechanism m : Mechanism.values()) {
            mechanisms.add(m.key());
        }
        var args = new ArrayList<String>(List.of(ReferencePython.SCRIPTS.resolve("evaluate_reference.py").toString(),
                String.join(",", mechanisms)));
        files.forEach(f -> args.add(f.toString()));
        JsonNode all = new ObjectMapper().readTree(ReferencePython.runOk(args, 120));
        for (Mechanism m : Mechanism.values()) {
            JsonNode reference = all.get(m.key());
            for (int k = 0; k < files.size(); k++) {
                assertAgrees(reference.get(k), eval.windows().get(k).mechanism(m), m.key() + " window " + k);
            }
        }
    }

    private static void assertAgrees(JsonNode ref, BinaryMetrics ours, String where) {
        assertEquals(ref.get("n_real").asLong(), ours.reals(), where + ": reals");
        assertEquals(ref.get("n_fake").asLong(), ours.fakes(), where + ": fakes");
        if (ours.reals() + ours.fakes() == 0) {
            return;
        }
        assertEquals(ref.get("tp").asLong(), ours.counts().truePositives(), where);
        assertEquals(ref.get("fp").asLong(), ours.counts().falsePositives(), where);
        assertEquals(ref.get("accuracy").asDouble(), ours.counts().accuracy(), 1e-9, where);
        compare(ref.get("precision"), ours.get(BinaryMetric.PRECISION), where + ": precision");
        compare(ref.get("recall"), ours.get(BinaryMetric.RECALL), where + ": recall");
        compare(ref.get("f1"), ours.get(BinaryMetric.F1), where + ": f1");
        compare(ref.get("roc_auc"), ours.get(BinaryMetric.AUROC), where + ": roc_auc");
        compare(ref.get("average_precision"), ours.get(BinaryMetric.AVERAGE_PRECISION), where + ": AP");
        if (!ref.get("balanced_accuracy").isNull()) {
            compare(ref.get("balanced_accuracy"), ours.get(BinaryMetric.BALANCED_ACCURACY), where + ": balanced");
        }
        if (!ref.get("tnr").isNull()) {
            compare(ref.get("tnr"), ours.get(BinaryMetric.SPECIFICITY), where + ": tnr");
        }
    }

    private static void compare(JsonNode expected, MetricValue actual, String where) {
        if (expected.isNull()) {
            assertFalse(actual.isDefined(), where + " should be not defined, was " + actual);
        } else {
            assertEquals(expected.asDouble(), actual.value(), 1e-9, where);
        }
    }

    @Test
    void headlineAveragesNextPeriodAurocOverAllButTheLastWindow(@TempDir Path dir) {
        MiniExperiment.write(dir, 3, 5);
        ExperimentEvaluation eval = PredictionsEvaluator.evaluateExperiment(dir, EvaluationOptions.defaults());
        List<MetricValue> next = eval.timeline(Mechanism.IMMEDIATE_FUTURE, BinaryMetric.AUROC);
        assertEquals(3, next.size());
        assertEquals((next.get(0).value() + next.get(1).value()) / 2, eval.headline().mean().value(), 1e-15);
        assertEquals(next.get(2).value(), eval.headline().lastWindow().value());
        // Window 2's "next period" falls back to its own generators E and F, with their 80 paired reals.
        assertEquals(80, eval.windows().get(2).mechanism(Mechanism.IMMEDIATE_FUTURE).reals());
    }

    @Test
    void pastIsNotDefinedForWindowZero(@TempDir Path dir) {
        MiniExperiment.write(dir, 2, 3);
        ExperimentEvaluation eval = PredictionsEvaluator.evaluateExperiment(dir, EvaluationOptions.defaults());
        MetricValue v = eval.windows().get(0).mechanism(Mechanism.PAST).get(BinaryMetric.AUROC);
        assertTrue(v.toString().contains("past mechanism has no generators before window 0"), v.toString());
        assertTrue(eval.windows().get(1).mechanism(Mechanism.PAST).get(BinaryMetric.AUROC).isDefined());
        assertFalse(eval.headline().lastWindow().isDefined(), "window 2 of 3 was never evaluated");
    }

    @Test
    void loggedNamesMatchWhatTrainingLogs(@TempDir Path dir) {
        MiniExperiment.write(dir, 1, 3);
        WindowEvaluation w = PredictionsEvaluator.evaluateExperiment(dir, EvaluationOptions.defaults()).windows().get(0);
        var names = w.loggedNames(Stage.VALIDATE);
        assertEquals(w.mechanism(Mechanism.IMMEDIATE_FUTURE).get(BinaryMetric.AUROC),
                names.get("immediate_future_validate_BinaryAUROC_epoch/all"));
        assertEquals(w.all().get(BinaryMetric.AUROC), names.get("validate_BinaryAUROC_epoch/all"));
        assertTrue(names.containsKey("validate_BinaryRecall_epoch/F"));
        assertEquals(8 + 1 + 6 + 3 * 8, names.size());
    }

    @Test
    void theAllFileWinsOverEpochFilesAndOtherwiseTheHighestStep(@TempDir Path dir) throws IOException {
        MiniExperiment.write(dir, 1, 3);
        Path w0 = dir.resolve("window_0");
        assertEquals(w0.resolve("predictions_validate_all.npz"), PredictionsEvaluator.findWindowFiles(dir, "validate").get(0));
        Files.delete(w0.resolve("predictions_validate_all.npz"));
        Files.copy(w0.resolve("predictions_validate_epoch=0-step=100.npz"), w0.resolve("predictions_validate_epoch=1-step=20.npz"));
        assertEquals(w0.resolve("predictions_validate_epoch=0-step=100.npz"),
                PredictionsEvaluator.findWindowFiles(dir, "validate").get(0));
    }

    @Test
    void aGapInTheWindowsAndAMissingFileAreNamed(@TempDir Path dir) throws IOException {
        MiniExperiment.write(dir, 1, 3);
        Files.createDirectories(dir.resolve("window_2"));
        var gap = assertThrows(UserError.class, () -> PredictionsEvaluator.findWindowFiles(dir, "validate"));
        assertTrue(gap.getMessage().contains("window 1"), gap.getMessage());
        Files.createDirectories(dir.resolve("window_1"));
        var missing = assertThrows(UserError.class, () -> PredictionsEvaluator.findWindowFiles(dir, "validate"));
        assertTrue(missing.getMessage().contains("window_1") && missing.getMessage().contains("predictions_validate_all.npz"),
                missing.getMessage());
    }

    @Test
    void aRealWithoutPairingIsReportedUnlessPairingIsOff(@TempDir Path dir) {
        PredictionsFile p = MiniExperiment.window(0, new java.util.SplittableRandom(1));
        long[] pairing = p.pairing().clone();
        pairing[1] = -1; // row 1 is a real image
        var broken = new PredictionsFile(p.fusedScores(), p.fusedLabels(), p.fusedGeneratorIds(), p.fusedIdentifiers(),
                p.fusedLosses(), p.cropScores(), p.cropLabels(), p.cropGeneratorIds(), p.cropIdentifiers(), p.cropLosses(),
                p.cropToImageIndex(), Optional.empty(), p.generatorIdToName(), p.windowsTimeline(), pairing);
        Path file = dir.resolve("p.npz");
        broken.write(file);
        var e = assertThrows(UserError.class, () -> PredictionsEvaluator.evaluateWindow(0, file, EvaluationOptions.defaults()));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        var noPairing = new EvaluationOptions(Stage.VALIDATE, 0.5, false);
        WindowEvaluation w = PredictionsEvaluator.evaluateWindow(0, file, noPairing);
        assertEquals(240, w.mechanism(Mechanism.IMMEDIATE_FUTURE).reals(), "every real joins without pairing");
    }

    @Test
    void textTableHasOneRowPerWindowAndTheHeadline(@TempDir Path dir) {
        MiniExperiment.write(dir, 3, 5);
        ExperimentEvaluation eval = PredictionsEvaluator.evaluateExperiment(dir, EvaluationOptions.defaults());
        String text = EvaluationText.render(eval, Mechanism.PAST);
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(1).contains("ROC AUC") && lines.get(1).contains("TNR"), text);
        assertTrue(lines.get(2).trim().startsWith("0        -"), "window 0 has no past: " + lines.get(2));
        assertTrue(text.contains("past mechanism has no generators before window 0"), text);
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "mean over windows 0..1): %.4f",
                eval.headline().mean().value())), text);
    }
}
