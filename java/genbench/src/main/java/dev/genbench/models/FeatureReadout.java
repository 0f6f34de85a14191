package dev.genbench.models;

import dev.genbench.image.TensorLayout;
import java.nio.FloatBuffer;

/**
 * Turns graph outputs into the feature vector a card describes: flattened, or pooled over space
 * (mean, mean of squares). Written as plain loops: the tensors pooled here are the small early-block
 * maps of a probe readout, read once per image, a negligible cost beside the backbone itself.
 */
final class FeatureReadout {
    private FeatureReadout() {}

    /**
     * Writes one output's contribution for every image of the batch into {@code features}, at
     * {@code base + image * stride + offset}.
     */
    static void write(ModelCard.FeatureOutput f, long[] shape, int batch, FloatBuffer out, FloatBuffer features, int base,
            int offset, int stride) {
        if (f.pooling() == ModelCard.Pooling.NONE) {
            int width = f.width();
            for (int n = 0; n < batch; n++) {
                features.put(base + n * stride + offset, out, n * width, width);
            }
            return;
        }
        boolean nchw = f.layout() == TensorLayout.NCHW;
        int channels = f.width();
        int spatial = 1;
        for (int i = nchw ? 2 : 1; i < (nchw ? shape.length : shape.length - 1); i++) {
            spatial *= (int) shape[i];
        }
        int perImage = channels * spatial;
        boolean mean = f.pooling() != ModelCard.Pooling.MEAN_SQUARE;
        boolean square = f.pooling() != ModelCard.Pooling.MEAN;
        for (int n = 0; n < batch; n++) {
            int image = n * perImage;
            int target = base + n * stride + offset;
            for (int c = 0; c < channels; c++) {
                double sum = 0;
                double sumSquares = 0;
                for (int s = 0; s < spatial; s++) {
                    float v = out.get(nchw ? image + c * spatial + s : image + s * channels + c);
                    sum += v;
                    sumSquares += (double) v * v;
                }
                int at = target + c;
                if (mean) {
                    features.put(at, (float) (sum / spatial));
                    at += channels;
                }
                if (square) {
                    features.put(at, (float) (sumSquares / spatial));
                }
            }
        }
    }

    static void l2Normalize(FloatBuffer features, int base, int batch, int width) {
        for (int n = 0; n < batch; n++) {
            int start = base + n * width;
            double norm = 0;
            for (int i = 0; i < width; i++) {
                float v = features.get(start + i);
                norm += (double) v * v;
            }
            double scale = 1.0 / Math.max(Math.sqrt(norm), 1e-12);
            for (int i = 0; i < width; i++) {
                features.put(start + i, (float) (features.get(start + i) * scale));
            }
        }
    }
}
