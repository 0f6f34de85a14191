package dev.genbench.extension;

/**
 * What {@link DetectorModule#evaluationStep} returns for a batch of crops: the score (P(fake), in [0, 1])
 * and the loss of each crop, in the batch's order.
 */
public record CropScores(float[] scores, float[] losses) {
    public CropScores {
        if (scores.length != losses.length) {
            throw new IllegalArgumentException("scores and losses differ in length: " + scores.length + " and " + losses.length);
        }
    }

    /** The built-in step: sigmoid of each logit, and its binary cross-entropy with logits against the label. */
    public static CropScores standard(EvaluationBatch batch) {
        int n = batch.crops();
        float[] scores = new float[n];
        float[] losses = new float[n];
        for (int c = 0; c < n; c++) {
            double z = batch.logits()[c];
            scores[c] = (float) (1 / (1 + Math.exp(-z)));
            // the numerically stable form torch uses: max(z, 0) - z*y + log(1 + exp(-|z|))
            losses[c] = (float) (Math.max(z, 0) - z * batch.labels()[c] + Math.log1p(Math.exp(-Math.abs(z))));
        }
        return new CropScores(scores, losses);
    }
}
