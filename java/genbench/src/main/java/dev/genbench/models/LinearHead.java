package dev.genbench.models;

import dev.genbench.console.UserError;
import dev.genbench.engine.Backend;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.TensorScope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The probe's trainable head: one linear layer from the backbone's features to one logit (SPEC §7.3),
 * on the engine, so that probes and tuned models share one optimizer and one autodiff.
 *
 * <p>Parameters are named as the original's checkpoints name a torch {@code Linear}: {@code head.weight}
 * of shape [1, D] and {@code head.bias} of shape [1]. Owns its parameter tensors; close it to free them.
 * Not thread-safe.
 */
public final class LinearHead implements AutoCloseable {
    public static final String WEIGHT = "head.weight";
    public static final String BIAS = "head.bias";
    public static final String FEATURE_MEAN = "head.feature_mean";
    public static final String FEATURE_SCALE = "head.feature_scale";

    private final int width;
    private final Tensor weight;
    private final Tensor bias;
    /** Per-feature standardisation applied before the layer, or null: see {@link #withStandardization}. */
    private float[] featureMean;
    private float[] featureScale;

    private LinearHead(int width, Tensor weight, Tensor bias) {
        this.width = width;
        this.weight = weight;
        this.bias = bias;
    }

    /**
     * Standardises every input feature as (x − mean)·scale before the layer; the statistics are fixed (not
     * trained) and travel in the checkpoint. The head stays a linear function of the raw features.
     */
    public LinearHead withStandardization(float[] mean, float[] scale) {
        if (mean.length != width || scale.length != width) {
            throw new IllegalArgumentException("standardisation statistics must have " + width + " values");
        }
        this.featureMean = mean.clone();
        this.featureScale = scale.clone();
        return this;
    }

    /** Mean and 1/std of each feature over {@code rows} rows of {@code features} (row-major), std floored at 1e-6. */
    public static float[][] statistics(float[] features, int rows, int width) {
        var statistics = new Statistics(width);
        statistics.add(features, rows);
        return statistics.meanAndScale();
    }

    /**
     * Per-feature sums over rows added chunk by chunk, so that the statistics of a large feature cache need
     * no copy of it in memory. Same sums in the same order as one pass over all rows.
     */
    public static final class Statistics {
        private final int width;
        private final double[] sum;
        private final double[] squares;
        private long rows;

        public Statistics(int width) {
            this.width = width;
            this.sum = new double[width];
            this.squares = new double[width];
        }

        /** Adds {@code rows} feature vectors from the start of {@code features}. */
        public void add(float[] features, int rows) {
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < width; i++) {
                    double v = features[r * width + i];
                    sum[i] += v;
                    squares[i] += v * v;
                }
            }
            this.rows += rows;
        }

        /** {mean, 1 / standard deviation} per feature (population variance, floored at 1e-6). */
        public float[][] meanAndScale() {
            float[] mean = new float[width];
            float[] scale = new float[width];
            for (int i = 0; i < width; i++) {
                double m = sum[i] / rows;
                double variance = Math.max(0, squares[i] / rows - m * m);
                mean[i] = (float) m;
                scale[i] = (float) (1 / Math.max(Math.sqrt(variance), 1e-6));
            }
            return new float[][] {mean, scale};
        }
    }

    /** Applies the standardisation in place to {@code rows} feature vectors. */
    public void standardize(float[] features, int rows) {
        if (featureMean == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            for (int i = 0; i < width; i++) {
                features[base + i] = (features[base + i] - featureMean[i]) * featureScale[i];
            }
        }
    }

    /**
     * A fresh head with torch's default {@code Linear} initialisation: weight and bias uniform in
     * ±1/√D (Kaiming-uniform with a = √5), drawn from {@code seed}.
     */
    public static LinearHead initialize(Backend backend, int width, long seed) {
        var rng = new SplittableRandom(seed);
        double bound = 1.0 / Math.sqrt(width);
        float[] w = new float[width];
        for (int i = 0; i < width; i++) {
            w[i] = (float) rng.nextDouble(-bound, bound);
        }
        return of(backend, w, (float) rng.nextDouble(-bound, bound));
    }

    /** A head with given weights ({@code weight.length} is the feature width). */
    public static LinearHead of(Backend backend, float[] weight, float bias) {
        Tensor w = Tensor.unscoped(backend, dev.genbench.engine.DType.FP32, Shape.of(weight.length, 1), WEIGHT);
        w.copyFrom(weight);
        Tensor b = Tensor.unscoped(backend, dev.genbench.engine.DType.FP32, Shape.of(1), BIAS);
        b.copyFrom(new float[] {bias});
        w.requiresGrad(true);
        b.requiresGrad(true);
        return new LinearHead(weight.length, w, b);
    }

    /** A head from a checkpoint's state ({@link #state()}); errors name the tensor that does not fit. */
    public static LinearHead fromState(Backend backend, Map<String, float[]> state, int width, String source) {
        float[] w = state.get(WEIGHT);
        float[] b = state.get(BIAS);
        if (w == null || b == null) {
            throw new UserError("checkpoint '" + source + "' has no " + WEIGHT + "/" + BIAS + "; it is not a probe checkpoint");
        }
        if (w.length != width || b.length != 1) {
            throw new UserError("checkpoint '" + source + "' holds a head for " + w.length + " features but the backbone gives "
                    + width + "; it was trained with another model card");
        }
        LinearHead head = of(backend, w, b[0]);
        float[] mean = state.get(FEATURE_MEAN);
        float[] scale = state.get(FEATURE_SCALE);
        if (mean != null && scale != null) {
            head.withStandardization(mean, scale);
        }
        return head;
    }

    public int width() {
        return width;
    }

    public List<Tensor> parameters() {
        return List.of(weight, bias);
    }

    /** Logits [B] of features [B, D]; recorded for backward when gradients are on. */
    public Tensor logits(Tensor features) {
        Tensor z = Ops.add(Ops.matmul(features, weight), bias);
        return Ops.reshape(z, Shape.of(features.shape().dim(0)));
    }

    /**
     * The logits of {@code rows} feature vectors, without recording a graph.
     *
     * @param features at least {@code rows × width} values, row-major
     */
    public float[] logitsNoGrad(Backend backend, float[] features, int rows) {
        if (rows == 0) {
            return new float[0];
        }
        float[] exact = java.util.Arrays.copyOf(features, rows * width);
        standardize(exact, rows);
        try (var scope = TensorScope.open(); var ignored = dev.genbench.engine.GradMode.off()) {
            return logits(Tensor.of(backend, Shape.of(rows, width), exact)).toFloats();
        }
    }

    /** The parameters by name, as host arrays (weight row-major [1, D], as torch stores a Linear). */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        out.put(WEIGHT, weight.toFloats());
        out.put(BIAS, bias.toFloats());
        if (featureMean != null) {
            out.put(FEATURE_MEAN, featureMean.clone());
            out.put(FEATURE_SCALE, featureScale.clone());
        }
        return out;
    }

    @Override
    public void close() {
        weight.close();
        bias.close();
    }
}
