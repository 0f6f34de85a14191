package dev.genbench.detector;

import dev.genbench.console.UserError;
import dev.genbench.image.EvaluationCropping;
import dev.genbench.image.EvaluationPipeline;
import dev.genbench.image.Normalization;
import dev.genbench.image.TensorLayout;
import dev.genbench.image.TensorType;
import dev.genbench.image.TensorWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What an exported detector expects, kept in its ONNX file's {@code metadata_props} under {@code genbench.*}
 * keys: written by {@code genbench export}, read by the detector, so the two never disagree. The graph takes
 * {@code input} (normalised crops, [N, 3, H, W] or [N, H, W, 3]) and gives {@code score}, P(fake) of each
 * crop ([N]); an image's score is the mean of its crops' scores (SPEC §6.4), fake when above the threshold.
 *
 * @param input the graph's input name
 * @param height crop height fed to the graph
 * @param width crop width
 * @param layout NCHW or NHWC
 * @param normalization (pixel/255 − mean)/std per channel
 * @param cropping the evaluation cropping strategy
 * @param maximumProcessingSize larger images are centre-cropped to this first, when present
 * @param threshold fake when the fused score is above it (the original's rule)
 * @param provenance what made it (model name, window, experiment), shown by {@code detector info} and {@code /health}
 */
public record DetectorMetadata(String input, int height, int width, TensorLayout layout, Normalization normalization,
        EvaluationCropping cropping, OptionalInt maximumProcessingSize, double threshold, Map<String, String> provenance) {

    public static final int FORMAT = 1;
    public static final String OUTPUT = "score";
    public static final String FUSION = "mean_of_crop_probabilities";
    static final String PREFIX = "genbench.";

    public DetectorMetadata {
        provenance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    /** The image chain every crop goes through: the framework's evaluation pipeline, less the benchmark's distortions. */
    public EvaluationPipeline pipeline() {
        return new EvaluationPipeline(maximumProcessingSize, cropping, width, height);
    }

    public TensorWriter tensorWriter() {
        return new TensorWriter(layout, TensorType.FLOAT32, normalization);
    }

    public long[] shape(int crops, int cropHeight, int cropWidth) {
        return layout == TensorLayout.NCHW ? new long[] {crops, 3, cropHeight, cropWidth} : new long[] {crops, cropHeight, cropWidth, 3};
    }

    /** The metadata entries, in a stable order. */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(PREFIX + "format", String.valueOf(FORMAT));
        p.put(PREFIX + "input", input);
        p.put(PREFIX + "output", OUTPUT);
        p.put(PREFIX + "input_size", height + "x" + width);
        p.put(PREFIX + "layout", layout.name());
        p.put(PREFIX + "mean", triple(normalization.meanR(), normalization.meanG(), normalization.meanB()));
        p.put(PREFIX + "std", triple(normalization.stdR(), normalization.stdG(), normalization.stdB()));
        p.put(PREFIX + "pixel_scale", "1/255");
        p.put(PREFIX + "cropping", cropping.key());
        p.put(PREFIX + "maximum_processing_size", maximumProcessingSize.isPresent() ? String.valueOf(maximumProcessingSize.getAsInt()) : "none");
        p.put(PREFIX + "large_images", "center_crop");
        p.put(PREFIX + "threshold", String.valueOf(threshold));
        p.put(PREFIX + "decision", "fake when score > threshold");
        p.put(PREFIX + "fusion", FUSION);
        provenance.forEach((k, v) -> p.put(PREFIX + "provenance." + k, v));
        return p;
    }

    /** Reads the entries {@link #toProperties} wrote; errors name the file and the key. */
    public static DetectorMetadata fromProperties(Map<String, String> p, String source) {
        String format = required(p, "format", source);
        if (!format.equals(String.valueOf(FORMAT))) {
            throw new UserError("'" + source + "' is a genbench detector of format " + format + "; this detector reads format " + FORMAT
                    + ": export the model again with this version");
        }
        String fusion = required(p, "fusion", source);
        if (!fusion.equals(FUSION)) {
            throw new UserError("'" + source + "' asks for crop fusion '" + fusion + "'; this detector knows only " + FUSION);
        }
        String[] size = required(p, "input_size", source).split("x");
        String cropKey = required(p, "cropping", source);
        EvaluationCropping cropping = EvaluationCropping.fromKey(cropKey);
        if (cropping == null) {
            throw new UserError("'" + source + "' metadata genbench.cropping is '" + cropKey + "', not one of resize, crop, multicrop, as_is");
        }
        String mps = required(p, "maximum_processing_size", source);
        double[] mean = doubles(required(p, "mean", source), "mean", source);
        double[] std = doubles(required(p, "std", source), "std", source);
        Map<String, String> provenance = new LinkedHashMap<>();
        p.forEach((k, v) -> {
            if (k.startsWith(PREFIX + "provenance.")) {
                provenance.put(k.substring((PREFIX + "provenance.").length()), v);
            }
        });
        try {
            return new DetectorMetadata(required(p, "input", source), Integer.parseInt(size[0]), Integer.parseInt(size[1]),
                    TensorLayout.valueOf(required(p, "layout", source)),
                    new Normalization(mean[0], mean[1], mean[2], std[0], std[1], std[2]), cropping,
                    mps.equals("none") ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(mps)),
                    Double.parseDouble(required(p, "threshold", source)), provenance);
        } catch (RuntimeException e) {
            throw new UserError("'" + source + "' has unreadable genbench metadata (" + e.getMessage() + "); export the model again", e);
        }
    }

    private static String required(Map<String, String> p, String key, String source) {
        String v = p.get(PREFIX + key);
        if (v == null) {
            throw new UserError("'" + source + "' has no metadata entry " + PREFIX + key
                    + "; it is not a detector written by `genbench export` (or an older one): export it again");
        }
        return v;
    }

    private static double[] doubles(String csv, String key, String source) {
        String[] parts = csv.split(",");
        if (parts.length != 3) {
            throw new UserError("'" + source + "' metadata " + PREFIX + key + " must hold 3 comma-separated values, got '" + csv + "'");
        }
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            out[i] = Double.parseDouble(parts[i].strip());
        }
        return out;
    }

    private static String triple(double a, double b, double c) {
        return String.format(Locale.ROOT, "%s,%s,%s", a, b, c);
    }
}
