package dev.genbench.extension;

/**
 * A batch of evaluation crops as {@link DetectorModule#evaluationStep} sees it. Arrays are per crop; crops
 * of one image are adjacent and share {@code image}. The arrays belong to the caller: read, do not keep.
 *
 * @param logits the detector's logit of each crop
 * @param labels 1 for fake, 0 for real
 * @param generatorIds the generator of each crop's image (0 = real)
 * @param image the index of each crop's image in the evaluation set
 */
public record EvaluationBatch(float[] logits, long[] labels, long[] generatorIds, int[] image) {
    public EvaluationBatch {
        int n = logits.length;
        if (labels.length != n || generatorIds.length != n || image.length != n) {
            throw new IllegalArgumentException("evaluation batch arrays differ in length (logits have " + n + ")");
        }
    }

    public int crops() {
        return logits.length;
    }
}
