package dev.genbench.evaluate;

import dev.genbench.metrics.Stage;

/**
 * How {@link PredictionsEvaluator} scores predictions files, with the evaluation script's defaults.
 *
 * @param stage      whose files to read: {@code predictions_validate_*} (the default) or {@code predictions_test_*}
 * @param threshold  {@code classification_threshold}; {@code score > threshold} means fake
 * @param usePairing true: a generator's reals are those paired with it (SPEC §3.3); false: every real
 */
public record EvaluationOptions(Stage stage, double threshold, boolean usePairing) {

    public EvaluationOptions {
        if (stage == Stage.FIT) {
            throw new IllegalArgumentException("predictions files exist for validate and test only, not fit");
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("classification threshold must be within [0, 1], not " + threshold);
        }
    }

    /** Validation files, threshold 0.5, pairing on: the original's evaluate_predictions_multiwindow.py. */
    public static EvaluationOptions defaults() {
        return new EvaluationOptions(Stage.VALIDATE, 0.5, true);
    }
}
