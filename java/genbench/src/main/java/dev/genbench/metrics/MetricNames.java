package dev.genbench.metrics;

/**
 * The names the original logs its metrics under (SPEC §8.3): {@code <stage>_<Metric>_<granularity>/<subset>},
 * with a {@code <mechanism>_} prefix for the sliding-window managers. Dashboards and comparison
 * scripts key on these strings, so they are kept character for character.
 */
public final class MetricNames {
    private MetricNames() {}

    /** The subset suffix of every-image metrics. */
    public static final String ALL = "all";
    /** The subset suffix of generator 0. */
    public static final String REAL = "real";

    /** A generator name as a subset suffix: "" is {@code real}; spaces and dots become underscores. */
    public static String subsetName(String generatorName) {
        if (generatorName.isEmpty()) {
            return REAL;
        }
        return generatorName.replace('.', '_').replace(' ', '_');
    }

    /** {@code <stage>_<Metric>_epoch/<subset>}, for example {@code validate_BinaryAUROC_epoch/all}. */
    public static String epoch(Stage stage, BinaryMetric metric, String subset) {
        return stage.key() + "_" + metric.loggedName() + "_epoch/" + subset;
    }

    /** {@code <stage>_<Metric>_step/<subset>}, for example {@code fit_BalancedBinaryAccuracy_step/all}. */
    public static String step(Stage stage, BinaryMetric metric, String subset) {
        return stage.key() + "_" + metric.loggedName() + "_step/" + subset;
    }

    /**
     * {@code <mechanism>_<stage>_<Metric>_epoch/all}, for example
     * {@code immediate_future_validate_BinaryAUROC_epoch/all}.
     */
    public static String mechanism(Mechanism mechanism, Stage stage, BinaryMetric metric) {
        return mechanism.key() + "_" + epoch(stage, metric, ALL);
    }
}
