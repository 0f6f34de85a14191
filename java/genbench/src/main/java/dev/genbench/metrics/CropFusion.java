package dev.genbench.metrics;

import java.util.Arrays;

/**
 * Fuses per-crop scores into per-image scores as the original's evaluation script does: consecutive
 * crops with the same identifier are one image, and its score is their mean. Only consecutive crops
 * are grouped, so an image whose crops are not adjacent counts as several images, as in the original.
 *
 * <p>The mean is taken in float32 with NumPy's pairwise summation, so fused scores match the
 * script's bit for bit; a different rounding could break or create ties and move AUROC.
 */
public final class CropFusion {
    private CropFusion() {}

    /**
     * Per-image values, in the order of each image's first crop.
     *
     * @param firstCrop index of each image's first crop; crops of image i are firstCrop[i]..firstCrop[i+1]-1
     */
    public record Fused(float[] scores, long[] generatorIds, long[] identifiers, int[] firstCrop) {
        public int size() {
            return scores.length;
        }
    }

    public static Fused fuse(float[] cropScores, long[] cropGeneratorIds, long[] cropIdentifiers) {
        return fuse(cropScores, cropGeneratorIds, cropIdentifiers, null);
    }

    /**
     * As {@link #fuse(float[], long[], long[])} with another fusion of an image's crop scores (a detection
     * module's); null is the mean above.
     */
    public static Fused fuse(float[] cropScores, long[] cropGeneratorIds, long[] cropIdentifiers,
            java.util.function.ToDoubleFunction<float[]> fusion) {
        int m = cropScores.length;
        if (cropGeneratorIds.length != m || cropIdentifiers.length != m) {
            throw new IllegalArgumentException("crop arrays differ in length: scores " + m + ", generator ids "
                    + cropGeneratorIds.length + ", identifiers " + cropIdentifiers.length);
        }
        int[] first = new int[m + 1];
        int images = 0;
        for (int c = 0; c < m; c++) {
            if (c == 0 || cropIdentifiers[c] != cropIdentifiers[c - 1]) {
                first[images++] = c;
            }
        }
        first[images] = m;
        float[] scores = new float[images];
        long[] gen = new long[images];
        long[] ids = new long[images];
        for (int i = 0; i < images; i++) {
            int from = first[i], to = first[i + 1];
            if (fusion != null) {
                scores[i] = (float) fusion.applyAsDouble(Arrays.copyOfRange(cropScores, from, to));
            } else {
                scores[i] = to - from == 1 ? cropScores[from] : mean(cropScores, from, to);
            }
            gen[i] = cropGeneratorIds[from];
            ids[i] = cropIdentifiers[from];
        }
        return new Fused(scores, gen, ids, Arrays.copyOf(first, images));
    }

    /** NumPy's float32 mean of {@code values[from..to)}: pairwise sum in float32, then one float32 division. */
    static float mean(float[] values, int from, int to) {
        int n = to - from;
        return pairwiseSum(values, from, n) / (float) n;
    }

    /**
     * NumPy's pairwise summation (8 partial sums in blocks of up to 128, halves above), in float32. Kept
     * exactly so, not replaced by a plain loop, because the grouping decides the last bit.
     */
    static float pairwiseSum(float[] a, int from, int n) {
        if (n < 8) {
            float res = 0.0f;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        } else if (n <= 128) {
            float r0 = a[from], r1 = a[from + 1], r2 = a[from + 2], r3 = a[from + 3];
            float r4 = a[from + 4], r5 = a[from + 5], r6 = a[from + 6], r7 = a[from + 7];
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                r0 += a[from + i];
                r1 += a[from + i + 1];
                r2 += a[from + i + 2];
                r3 += a[from + i + 3];
                r4 += a[from + i + 4];
                r5 += a[from + i + 5];
                r6 += a[from + i + 6];
                r7 += a[from + i + 7];
            }
            float res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        } else {
            int half = n / 2;
            half -= half % 8;
            return pairwiseSum(a, from, half) + pairwiseSum(a, from + half, n - half);
        }
    }
}
