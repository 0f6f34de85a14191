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
import dev.genbench.io.NpyArray;
import dev.genbench.io.Npz;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The backbone alone, for {@code genbench bench --stage backbone}: one batch of already preprocessed images
 * run through the model card's graph on ONNX Runtime again and again, so that neither decoding nor
 * preprocessing is timed. The batch comes from a folder of photos (decode → mandatory evaluation
 * preprocessing, max size 1080, seeded per image → resize → the card's normalisation, as a probe's
 * evaluation views) or from an {@code .npz} file, so that a peer can run the very same tensors.
 */
public final class BackboneBench {
    /** The array of a tensors file: float32, {@code [batch, ...]} in the card's layout and input size. */
    public static final String TENSORS_KEY = "pixels";

    private BackboneBench() {}

    /**
     * @param model a model card ({@code .yaml}), an ONNX file with its card beside it, or a catalogue name
     * @param modelsFolder the catalogue for names
     * @param photos folder of .jpg/.png/.webp files, cycled to fill the batch; used when {@code tensors} does not exist
     * @param tensors an {@code .npz} file holding {@link #TENSORS_KEY}: read when it exists, else written from the
     *     photos' batch (so a peer reads the same tensors); or null
     * @param backbone the session's options (intra-op threads, spinning)
     * @param warmupBatches runs of the batch before timing starts
     * @param batches timed runs of the batch
     */
    public record Settings(String model, Path modelsFolder, Path photos, Path tensors, OrtBackbone.Options backbone,
            int batchSize, int warmupBatches, int batches) {
        public Settings {
            if (batchSize < 1 || warmupBatches < 0 || batches < 1) {
                throw new UserError("--batch and --iters must be at least 1 and --warmup at least 0 for --stage backbone, got "
                        + batchSize + ", " + batches + " and " + warmupBatches);
            }
        }
    }

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
        FloatBuffer pixels = s.tensors() != null && Files.isRegularFile(s.tensors())
                ? readTensors(s.tensors(), input, s.batchSize())
                : preprocess(s.photos(), model.card(), s.batchSize());
        if (s.tensors() != null && !Files.isRegularFile(s.tensors())) {
            writeTensors(s.tensors(), pixels, input, s.batchSize());
        }
        try (OrtBackbone backbone = OrtBackbone.open(model, s.backbone())) {
            FloatBuffer features = ByteBuffer.allocateDirect(s.batchSize() * backbone.featureWidth() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int i = 0; i < s.warmupBatches(); i++) {
                features.clear();
                backbone.run(pixels, s.batchSize(), features);
            }
            double[] ms = new double[s.batches()];
            long start = System.nanoTime();
            long last = start;
            for (int i = 0; i < s.batches(); i++) {
                features.clear();
                backbone.run(pixels, s.batchSize(), features);
                long now = System.nanoTime();
                ms[i] = (now - last) / 1e6;
                last = now;
            }
            var timing = ImageBench.result((long) s.batches() * s.batchSize(), last - start, ms);
            return new Result(timing, model.card().name(), backbone.featureWidth(), s.batchSize(), s.backbone(), checksum(features));
        }
    }

    /**
     * A result with what produced it; {@code timing}'s batch percentiles are the latency of one backbone call on
     * the whole batch. {@code checksum} sums the last batch's features (a sanity value, not a metric).
     */
    public record Result(ImageBench.Result timing, String model, int featureWidth, int batchSize, OrtBackbone.Options backbone,
            double checksum) {

        public String toJson() {
            String json = ImageBench.json(timing);
            return json.substring(0, json.length() - 1) + String.format(Locale.ROOT, ", \"model\": \"%s\", \"feature_width\": %d,"
                    + " \"batch\": %d, \"setup\": {\"intra_op_threads\": %d, \"inter_op_threads\": %d, \"spin_wait\": %b,"
                    + " \"provider\": \"%s\"}, \"checksum\": %.6g}", model, featureWidth, batchSize, backbone.intraOpThreads(),
                    backbone.interOpThreads(), backbone.spinWait(), backbone.provider(), checksum);
        }
    }

    /** One batch of the photos (cycled) through the evaluation pipeline, copied out of the loader's ring. */
    private static FloatBuffer preprocess(Path photos, ModelCard card, int batchSize) {
        if (photos == null) {
            throw new UserError("--stage backbone needs --photos DIR (a folder of .jpg/.png/.webp photos) or an existing --tensors FILE.npz");
        }
        ModelCard.Input input = card.input();
        var pipeline = new EvaluationPipeline(OptionalInt.of(1080), EvaluationCropping.RESIZE, input.width(), input.height());
        var settings = LoaderSettings.defaults(batchSize).withWorkers(1)
                .withTensor(input.layout(), TensorType.FLOAT32).withNormalization(input.normalization());
        long[] indices = java.util.stream.LongStream.range(0, batchSize).toArray();
        int perImage = 3 * input.width() * input.height();
        FloatBuffer pixels = direct(batchSize * perImage);
        try (BatchLoader loader = new BatchLoader(FolderSource.of(photos, batchSize), pipeline,
                AugmentationSeeds.evaluation(AugmentationSeeds.DEFAULT_BASE_SEED), indices, settings)) {
            for (Batch next = loader.next(); next != null; next = loader.next()) {
                try (Batch batch = next) {
                    pixels.put(batch.tensor().asSlice(0, (long) batch.crops() * perImage * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT));
                }
            }
        }
        return pixels.flip();
    }

    private static FloatBuffer readTensors(Path file, ModelCard.Input input, int batchSize) {
        NpyArray array = Npz.read(file, TENSORS_KEY::equals).get(TENSORS_KEY);
        int[] expected = shape(input, batchSize);
        if (!(array instanceof NpyArray.Float32 f) || !Arrays.equals(f.shape(), expected)) {
            throw new UserError("--tensors '" + file + "' must hold a float32 array '" + TENSORS_KEY + "' of shape "
                    + Arrays.toString(expected) + " (--batch and the model card's input), got "
                    + (array == null ? "no such array" : array.descr() + " " + Arrays.toString(array.shape()))
                    + "; delete it to write it again from --photos");
        }
        return direct(f.data().length).put(f.data()).flip();
    }

    private static void writeTensors(Path file, FloatBuffer pixels, ModelCard.Input input, int batchSize) {
        float[] data = new float[pixels.remaining()];
        pixels.duplicate().get(data);
        Npz.write(file, Map.of(TENSORS_KEY, new NpyArray.Float32(data, shape(input, batchSize))));
    }

    private static int[] shape(ModelCard.Input input, int batchSize) {
        return input.layout() == dev.genbench.image.TensorLayout.NHWC
                ? new int[] {batchSize, input.height(), input.width(), 3}
                : new int[] {batchSize, 3, input.height(), input.width()};
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static double checksum(FloatBuffer features) {
        double sum = 0;
        for (int i = 0; i < features.position(); i++) {
            sum += features.get(i);
        }
        return sum;
    }
}
