package dev.genbench.models;

import dev.genbench.console.UserError;
import dev.genbench.image.AugmentationSeeds;
import dev.genbench.image.Batch;
import dev.genbench.image.BatchLoader;
import dev.genbench.image.EvaluationCropping;
import dev.genbench.image.EvaluationPipeline;
import dev.genbench.image.FolderSource;
import dev.genbench.image.ImageBench;
import dev.genbench.image.LoaderSettings;
import dev.genbench.image.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * End-to-end feature extraction throughput, for {@code genbench bench --stage features}: read → decode →
 * mandatory evaluation preprocessing (SPEC §6.2, max size 1080, seeded per image) → resize to the card's
 * input → the card's normalisation → the backbone on ONNX Runtime, batched. The loader's workers fill the
 * next batches while the backbone runs the current one (the {@link BatchLoader} ring), and the backbone
 * reads each batch where the workers wrote it (no copy). Warm-up images (session start-up, first-batch
 * allocations) are excluded.
 */
public final class FeatureBench {
    private FeatureBench() {}

    /**
     * @param model a model card ({@code .yaml}), an ONNX file with its card beside it, or a catalogue name
     * @param modelsFolder the catalogue for names
     * @param photos folder of .jpg/.png/.webp files, cycled
     * @param workers loader threads
     * @param backbone the session's options (intra-op threads, spinning)
     */
    public record Settings(String model, Path modelsFolder, Path photos, int workers, OrtBackbone.Options backbone,
            int batchSize, int warmupImages, int images) {}

    /** The card of {@code --model}: a card file, an ONNX file with a card of the same name beside it, or a catalogue name. */
    public static ModelCatalogue.Resolved resolveModel(String model, Path modelsFolder) {
        Path path = Path.of(model);
        String file = path.getFileName() == null ? "" : path.getFileName().toString();
        if (file.endsWith(".onnx")) {
            Path card = path.resolveSibling(file.substring(0, file.length() - ".onnx".length()) + ".yaml");
            if (!Files.isRegularFile(card)) {
                throw new UserError("--model '" + model + "' has no model card '" + card + "' beside it; export the backbone with"
                        + " models/onnx/export_backbone.py, which writes both, or pass a card");
            }
            path = card;
            file = card.getFileName().toString();
        }
        if (file.endsWith(".yaml") || file.endsWith(".yml")) {
            if (!Files.isRegularFile(path)) {
                throw new UserError("--model '" + model + "': no such model card");
            }
            Path folder = path.toAbsolutePath().getParent();
            return new ModelCatalogue.Resolved(ModelCard.read(path), folder, ModelCatalogue.Variant.PROBE);
        }
        String name = model.endsWith("_probe") || model.endsWith("_tune") ? model : model + "_probe";
        return ModelCatalogue.load(modelsFolder).resolve(name);
    }

    public static Result run(Settings s) {
        ModelCatalogue.Resolved model = resolveModel(s.model(), s.modelsFolder());
        ModelCard.Input input = model.card().input();
        var pipeline = new EvaluationPipeline(OptionalInt.of(1080), EvaluationCropping.RESIZE, input.width(), input.height());
        var loader = LoaderSettings.defaults(s.batchSize())
                .withWorkers(s.workers())
                .withTensor(input.layout(), TensorType.FLOAT32)
                .withNormalization(input.normalization());
        FolderSource source = FolderSource.of(s.photos(), s.warmupImages() + s.images());
        try (OrtBackbone backbone = OrtBackbone.open(model, s.backbone())) {
            FloatBuffer features = ByteBuffer.allocateDirect(s.batchSize() * backbone.featureWidth() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            if (s.warmupImages() > 0) {
                extract(source, pipeline, loader, range(0, s.warmupImages()), backbone, features);
            }
            Timed timed = extract(source, pipeline, loader, range(s.warmupImages(), s.warmupImages() + s.images()), backbone,
                    features);
            Map<String, Double> steps = new LinkedHashMap<>();
            steps.put("backbone (wall, per image of a batch)", timed.backboneNanos / 1e6 / timed.images);
            steps.put("waiting for the loader (wall)", timed.waitNanos / 1e6 / timed.images);
            var result = ImageBench.result(timed.images, timed.nanos, timed.gapsMs).withSteps(steps);
            return new Result(result, model.card().name(), backbone.featureWidth(), s.workers(), s.backbone(), checksum(features));
        }
    }

    /** A result with what produced it; {@code checksum} sums the last batch's features (a sanity value, not a metric). */
    public record Result(ImageBench.Result timing, String model, int featureWidth, int workers, OrtBackbone.Options backbone,
            double checksum) {

        public String toJson() {
            String json = ImageBench.json(timing);
            return json.substring(0, json.length() - 1) + String.format(Locale.ROOT, ", \"model\": \"%s\", \"feature_width\": %d,"
                    + " \"setup\": {\"loader_workers\": %d, \"intra_op_threads\": %d, \"inter_op_threads\": %d, \"spin_wait\": %b,"
                    + " \"provider\": \"%s\"}, \"checksum\": %.6g}", model, featureWidth, workers, backbone.intraOpThreads(),
                    backbone.interOpThreads(), backbone.spinWait(), backbone.provider(), checksum);
        }
    }

    private record Timed(long images, long nanos, double[] gapsMs, long backboneNanos, long waitNanos) {}

    private static Timed extract(FolderSource source, EvaluationPipeline pipeline, LoaderSettings settings, long[] indices,
            OrtBackbone backbone, FloatBuffer features) {
        int batches = (indices.length + settings.batchSize() - 1) / settings.batchSize();
        double[] gaps = new double[batches];
        long images = 0;
        long inBackbone = 0;
        long waiting = 0;
        long start = System.nanoTime();
        try (BatchLoader loader = new BatchLoader(source, pipeline, AugmentationSeeds.evaluation(AugmentationSeeds.DEFAULT_BASE_SEED),
                indices, settings)) {
            long last = start;
            int k = 0;
            while (true) {
                long asked = System.nanoTime();
                Batch next = loader.next();
                long got = System.nanoTime();
                waiting += got - asked;
                if (next == null) {
                    break;
                }
                try (Batch batch = next) {
                    FloatBuffer pixels = batch.tensor().asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
                    features.clear();
                    backbone.run(pixels, batch.crops(), features);
                    images += batch.images();
                }
                long now = System.nanoTime();
                inBackbone += now - got;
                gaps[k++] = (now - last) / 1e6;
                last = now;
            }
        }
        return new Timed(images, System.nanoTime() - start, gaps, inBackbone, waiting);
    }

    private static double checksum(FloatBuffer features) {
        double sum = 0;
        for (int i = 0; i < features.position(); i++) {
            sum += features.get(i);
        }
        return sum;
    }

    private static long[] range(long from, long to) {
        return java.util.stream.LongStream.range(from, to).toArray();
    }
}
