package dev.genbench.extension;

import java.util.List;

/**
 * One evaluation's images as a registered metric sees them: the fused score of each image and what it is.
 * The arrays are shared with the built-in metrics: read them, do not change them.
 *
 * @param scores the fused score (P(fake)) of each image
 * @param labels 1 for fake, 0 for real
 * @param generatorIds the generator of each image (0 = real); names in {@code generatorNames}
 * @param pairing for a real image, the generator it is paired with (SPEC §3.3), else -1
 * @param generatorNames generator id to name
 * @param window the window whose model was evaluated
 * @param stage {@code validate} or {@code test}
 * @param threshold {@code classification_threshold}
 */
public record EvaluatedScores(float[] scores, long[] labels, long[] generatorIds, long[] pairing, List<String> generatorNames,
        int window, String stage, double threshold) {

    public int size() {
        return scores.length;
    }
}
