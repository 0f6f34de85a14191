package dev.genbench.models;

import dev.genbench.config.ConfigBinder;
import dev.genbench.config.Default;
import dev.genbench.config.Nullable;
import dev.genbench.config.Yaml;
import dev.genbench.image.Normalization;
import dev.genbench.image.TensorLayout;
import java.nio.file.Path;
import java.util.List;

/**
 * A backbone's card ({@code models/onnx/<name>.yaml}): the ONNX file or how to produce it, what input
 * it expects and which graph outputs make its feature vector. A new backbone joins the catalogue by
 * adding a card, not code. Cards are read with the config binder, so their errors name file and line.
 *
 * @param name the base model name; {@code <name>_probe} and {@code <name>_tune} resolve to this card
 * @param aliases other base names that resolve here
 * @param onnx the ONNX file, relative to the card's folder
 * @param source how to produce the ONNX file when it is missing (a command to run), shown in the error
 * @param l2Normalize L2-normalise the concatenated features (OpenCLIP does, SPEC §7.3)
 * @param standardizeFeatures let the probe head standardise each feature with the first window's training
 *     statistics (kept in its checkpoints): for readouts whose values span orders of magnitude, such as the
 *     mean squares of early blocks, on which plain SGD barely moves. The head stays linear in the features.
 */
public record ModelCard(
        String name,
        @Default("[]") List<String> aliases,
        String family,
        Path onnx,
        @Nullable String source,
        Input input,
        List<FeatureOutput> features,
        @Default("false") boolean l2Normalize,
        @Default("false") boolean standardizeFeatures,
        @Nullable String license,
        @Default("true") boolean pretrained,
        @Nullable String description) {

    public ModelCard {
        if (name.endsWith("_probe") || name.endsWith("_tune")) {
            throw new IllegalArgumentException("name is the base name without _probe/_tune, got " + name);
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("features must name at least one graph output");
        }
    }

    /** Reads and validates a card file. */
    public static ModelCard read(Path file) {
        return new ConfigBinder(false).bindRoot(ModelCard.class, Yaml.readFile(file));
    }

    /** Width of the feature vector the head reads: the outputs' widths after pooling, concatenated. */
    public int featureWidth() {
        return features.stream().mapToInt(FeatureOutput::pooledWidth).sum();
    }

    /**
     * What the graph takes.
     *
     * @param size {@code [height, width]}
     * @param range {@code unit}: pixels/255 before mean/std; {@code byte}: 0..255 before mean/std
     * @param mean per-channel mean (RGB), subtracted after scaling to the range
     * @param std per-channel standard deviation (RGB)
     * @param name the graph's input name
     */
    public record Input(
            List<Integer> size,
            @Default("NCHW") TensorLayout layout,
            @Default("unit") PixelRange range,
            @Default("[0.48145466, 0.4578275, 0.40821073]") List<Double> mean,
            @Default("[0.26862954, 0.26130258, 0.27577711]") List<Double> std,
            @Default("pixel_values") String name) {

        public Input {
            if (size.size() != 2 || size.get(0) < 1 || size.get(1) < 1) {
                throw new IllegalArgumentException("input.size must be [height, width], got " + size);
            }
            if (mean.size() != 3 || std.size() != 3 || std.stream().anyMatch(s -> !(s > 0))) {
                throw new IllegalArgumentException("input.mean and input.std must have 3 values, std positive");
            }
        }

        public int height() {
            return size.get(0);
        }

        /** The loader's normalisation: (pixel/255 − mean)/std for {@code unit}, (pixel − mean)/std for {@code byte}. */
        public Normalization normalization() {
            double scale = range == PixelRange.BYTE ? 255.0 : 1.0;
            return new Normalization(mean.get(0) / scale, mean.get(1) / scale, mean.get(2) / scale,
                    std.get(0) / scale, std.get(1) / scale, std.get(2) / scale);
        }

        public int width() {
            return size.get(1);
        }
    }

    /**
     * One graph output that contributes to the features.
     *
     * @param layout the output's layout when pooled over space (NCHW or NHWC)
     * @param width channels of the output (its last dimension when not pooled)
     */
    public record FeatureOutput(String output, @Default("none") Pooling pooling, @Default("NCHW") TensorLayout layout, int width) {

        public FeatureOutput {
            if (width < 1) {
                throw new IllegalArgumentException("features[].width must be positive, got " + width);
            }
        }

        public int pooledWidth() {
            return pooling == Pooling.MEAN_AND_MEAN_SQUARE ? 2 * width : width;
        }
    }

    public enum PixelRange { UNIT, BYTE }

    /**
     * How an output becomes part of the feature vector: as is (flattened), or pooled over its spatial
     * dimensions. {@code mean_and_mean_square} gives the per-channel mean followed by the per-channel
     * mean of squares, a cheap readout of early blocks' texture statistics.
     */
    public enum Pooling { NONE, MEAN, MEAN_SQUARE, MEAN_AND_MEAN_SQUARE }
}
