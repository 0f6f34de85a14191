package dev.genbench.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.genbench.config.ConfigArgument;
import dev.genbench.config.ConfigLoader;
import dev.genbench.config.GenbenchConfig;
import dev.genbench.config.LoadedConfig;
import dev.genbench.console.UserError;
import dev.genbench.detector.DetectorMetadata;
import dev.genbench.evaluate.EvaluationOptions;
import dev.genbench.evaluate.EvaluationText;
import dev.genbench.evaluate.ExperimentEvaluation;
import dev.genbench.evaluate.PredictionsEvaluator;
import dev.genbench.evaluate.WindowEvaluation;
import dev.genbench.io.AtomicFiles;
import dev.genbench.io.PredictionsFile;
import dev.genbench.metrics.BinaryMetric;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.MetricValue;
import dev.genbench.metrics.Stage;
import dev.genbench.models.LinearHead;
import dev.genbench.models.ModelCard;
import dev.genbench.models.ModelCatalogue;
import dev.genbench.models.TunableDetector;
import dev.genbench.train.ProbeCheckpoint;
import dev.genbench.train.TuneRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import onnx.Onnx;

/**
 * {@code genbench export}: one window's trained detector as one ONNX file ({@code detector.onnx}: backbone,
 * readout, head, sigmoid; preprocessing in its metadata) and its model card ({@code model-card.md} and
 * {@code model-card.json}: what it was trained on, every window's metrics from the experiment's predictions,
 * the configuration).
 *
 * <p>A {@code _probe} window is assembled from the card's backbone and the checkpoint's head; a {@code _tune}
 * window from the fine-tuned graph its run writes ({@code tuned.onnx}), which holds the head already.
 */
public final class DetectorExport {
    public static final String ONNX = "detector.onnx";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What was written. */
    public record Result(Path onnx, Path cardMarkdown, Path cardJson, DetectorMetadata metadata) {}

    private DetectorExport() {}

    public static Result export(ExportSource source, Path modelsFolder, Path outDir) {
        LoadedConfig loaded = ConfigLoader.load(List.of(new ConfigArgument.File(source.config())), true);
        GenbenchConfig config = loaded.config();
        ModelCatalogue.Resolved model = ModelCatalogue.load(modelsFolder).resolve(config.model().modelName());
        ModelCard card = model.card();
        boolean tuned = model.variant() == ModelCatalogue.Variant.TUNE;
        if (!config.model().builtInClass()) {
            // The file holds graphs only: a plug-in module's Java hooks cannot travel in it.
            dev.genbench.console.Log.warn("model.class_path %s is a plug-in module; the exported detector is the card's backbone, the"
                    + " trained head and a sigmoid, with the built-in views and mean fusion: the module's feature extractor, evaluation"
                    + " step, score fusion and views are not part of it", config.model().classPath());
        }

        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("model_name", config.model().modelName());
        provenance.put("window", String.valueOf(source.window()));
        provenance.put("experiment", source.experimentFolder().toAbsolutePath().normalize().getFileName().toString());
        provenance.put("checkpoint", source.checkpoint().getFileName().toString());
        provenance.put("backbone", card.name());
        provenance.put("features", tuned ? "float32, whole network fine-tuned (_tune)"
                : "float16-rounded, as the feature cache the head was trained on (_probe)");
        Integer mps = config.data().maximumProcessingSize();
        var input = card.input();
        DetectorMetadata metadata = new DetectorMetadata(input.name(), config.model().modelInputSize().height(),
                config.model().modelInputSize().width(), input.layout(), input.normalization(), config.model().evaluationCroppingStrategy(),
                mps == null ? OptionalInt.empty() : OptionalInt.of(mps), config.model().classificationThreshold(), provenance);

        Onnx.ModelProto detector;
        if (tuned) {
            Path file = source.windowFolder().resolve(TuneRun.EXPORT_FILE);
            if (!Files.isRegularFile(file)) {
                throw new UserError("window folder '" + source.windowFolder() + "' has no " + TuneRun.EXPORT_FILE
                        + ", the fine-tuned graph a _tune window writes when it completes; finish the window with `genbench fit`");
            }
            detector = DetectorGraph.fromTuned(readModel(file), TunableDetector.LOGIT, metadata.toProperties());
        } else {
            Path backboneFile = model.onnxFile();
            if (!Files.isRegularFile(backboneFile)) {
                throw new UserError("the backbone ONNX file '" + backboneFile + "' of model card '" + card.name() + "' is missing"
                        + (card.source() != null ? "; produce it with: " + card.source() : ""));
            }
            detector = DetectorGraph.build(readModel(backboneFile), card, probeHead(source, card), metadata.toProperties());
        }
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UserError("cannot create output folder '" + outDir + "': " + e.getMessage(), e);
        }
        Path onnx = outDir.resolve(ONNX);
        AtomicFiles.writeBytes(onnx, detector.toByteArray());

        String configYaml = LoadedConfig.toYaml(config);
        ExperimentEvaluation evaluation = PredictionsEvaluator.evaluateExperiment(source.experimentFolder(),
                new EvaluationOptions(Stage.VALIDATE, config.model().classificationThreshold(), true));
        Map<String, Object> json = cardJson(source, config, card, metadata, evaluation);
        Path cardJson = outDir.resolve("model-card.json");
        Path cardMd = outDir.resolve("model-card.md");
        try {
            AtomicFiles.writeString(cardJson, JSON.writeValueAsString(json) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("model card is not JSON-serialisable", e);
        }
        AtomicFiles.writeString(cardMd, cardMarkdown(source, config, card, metadata, evaluation, json, configYaml));
        return new Result(onnx, cardMd, cardJson, metadata);
    }

    private static DetectorGraph.Head probeHead(ExportSource source, ModelCard card) {
        Map<String, float[]> p = ProbeCheckpoint.read(source.checkpoint()).parameters();
        float[] weight = p.get(LinearHead.WEIGHT);
        float[] bias = p.get(LinearHead.BIAS);
        if (weight == null || bias == null || weight.length != card.featureWidth()) {
            throw new UserError("checkpoint '" + source.checkpoint() + "' holds no " + LinearHead.WEIGHT + " of " + card.featureWidth()
                    + " features for model card '" + card.name() + "'");
        }
        return new DetectorGraph.Head(weight, bias[0], p.get(LinearHead.FEATURE_MEAN), p.get(LinearHead.FEATURE_SCALE), true);
    }

    private static Onnx.ModelProto readModel(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Onnx.ModelProto.parseFrom(com.google.protobuf.CodedInputStream.newInstance(in));
        } catch (IOException e) {
            throw new UserError("cannot read ONNX file '" + file + "': " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> cardJson(ExportSource source, GenbenchConfig config, ModelCard card, DetectorMetadata metadata,
            ExperimentEvaluation evaluation) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model_name", config.model().modelName());
        out.put("backbone", Map.of("card", card.name(), "family", card.family(), "license", String.valueOf(card.license()),
                "description", String.valueOf(card.description())));
        out.put("window", source.window());
        out.put("benchmark_type", config.experimentInfo().slidingWindowsDefinition().benchmarkType().name().toLowerCase(Locale.ROOT));
        List<List<String>> timeline = evaluation.windows().isEmpty() ? List.of()
                : PredictionsFile.read(evaluation.windows().getFirst().file()).windowsTimeline();
        out.put("windows_timeline", timeline);
        out.put("trained_on_windows", timeline.isEmpty() ? List.of() : timeline.subList(0, Math.min(source.window() + 1, timeline.size())));
        out.put("preprocessing", metadata.toProperties());
        List<Map<String, Object>> windows = new java.util.ArrayList<>();
        for (WindowEvaluation w : evaluation.windows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("window", w.window());
            m.put("predictions", w.file().getFileName().toString());
            m.put("auroc_all", value(w.all().get(BinaryMetric.AUROC)));
            m.put("auroc_next_period", value(w.mechanism(Mechanism.IMMEDIATE_FUTURE).get(BinaryMetric.AUROC)));
            m.put("average_precision_all", value(w.all().get(BinaryMetric.AVERAGE_PRECISION)));
            m.put("balanced_accuracy_all", value(w.all().get(BinaryMetric.BALANCED_ACCURACY)));
            m.put("fakes", w.all().fakes());
            m.put("reals", w.all().reals());
            windows.add(m);
        }
        out.put("validation_metrics", windows);
        out.put("next_period_auroc_mean", value(evaluation.headline().mean()));
        out.put("threshold", config.model().classificationThreshold());
        return out;
    }

    private static String cardMarkdown(ExportSource source, GenbenchConfig config, ModelCard card, DetectorMetadata metadata,
            ExperimentEvaluation evaluation, Map<String, Object> json, String configYaml) {
        StringBuilder b = new StringBuilder();
        b.append("# Detector: ").append(config.model().modelName()).append(", window ").append(source.window()).append("\n\n");
        b.append("Exported by `genbench export` from `").append(source.experimentFolder().toAbsolutePath().normalize().getFileName())
                .append("/").append(source.windowFolder().getFileName()).append("/checkpoints/").append(source.checkpoint().getFileName())
                .append("`. `").append(ONNX).append("` takes normalised crops and gives `score`, P(fake) per crop; an image's score is the")
                .append(" mean over its crops, **fake when score > ").append(config.model().classificationThreshold()).append("**.\n\n");
        b.append("## Trained on\n\n");
        b.append("Backbone card `").append(card.name()).append("` (").append(card.family()).append("; license: ").append(card.license())
                .append(config.model().modelName().endsWith("_tune") ? "), the whole network fine-tuned with a linear head (`_tune`)"
                        : "), frozen; a linear head trained on its features (`_probe`)").append(". Benchmark type `")
                .append(json.get("benchmark_type")).append("`; generators of windows 0..").append(source.window()).append(":\n\n");
        @SuppressWarnings("unchecked")
        List<List<String>> trained = (List<List<String>>) json.get("trained_on_windows");
        for (int k = 0; k < trained.size(); k++) {
            b.append("- window ").append(k).append(": ").append(String.join(", ", trained.get(k))).append("\n");
        }
        b.append("\n## Preprocessing (also in the ONNX metadata)\n\n| key | value |\n|---|---|\n");
        metadata.toProperties().forEach((k, v) -> b.append("| `").append(k).append("` | ").append(v).append(" |\n"));
        b.append("\nThe benchmark's mandatory evaluation distortions (JPEG, noise, grayscale, resized crops) are not part of the")
                .append(" detector; the metrics below were measured with them, as the protocol prescribes.\n");
        b.append("\n## Validation metrics of every window of the experiment\n\n```\n")
                .append(EvaluationText.render(evaluation, Mechanism.IMMEDIATE_FUTURE)).append("```\n");
        b.append("\n## Configuration (`").append(source.windowFolder().getFileName()).append("/fit_config.yaml`)\n\n```yaml\n")
                .append(configYaml).append(configYaml.endsWith("\n") ? "" : "\n").append("```\n");
        return b.toString();
    }

    private static Object value(MetricValue v) {
        return v.isDefined() ? v.orElse(Double.NaN) : null;
    }
}
