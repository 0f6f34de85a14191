package dev.genbench.metrics;

/**
 * The binary metrics the original logs, named as its metric classes are, because those names are
 * part of every logged key ({@code validate_BinaryAUROC_epoch/all}, SPEC §8.3).
 */
public enum BinaryMetric {
    BALANCED_ACCURACY("BalancedBinaryAccuracy"),
    RECALL("BinaryRecall"),
    PRECISION("BinaryPrecision"),
    SPECIFICITY("BinarySpecificity"),
    AVERAGE_PRECISION("BinaryAveragePrecision"),
    AUROC("BinaryAUROC"),
    F1("BinaryF1Score"),
    /** Its value is the threshold with the best F1, not the F1 itself (SPEC §8.1). */
    BEST_THRESHOLD_F1("BestBinaryThresholdF1");

    private final String loggedName;

    BinaryMetric(String loggedName) {
        this.loggedName = loggedName;
    }

    /** The class name the original logs this metric under. */
    public String loggedName() {
        return loggedName;
    }

    /** True for the metrics that depend on {@code classification_threshold}. */
    public boolean usesThreshold() {
        return switch (this) {
            case BALANCED_ACCURACY, RECALL, PRECISION, SPECIFICITY, F1 -> true;
            case AVERAGE_PRECISION, AUROC, BEST_THRESHOLD_F1 -> false;
        };
    }
}
