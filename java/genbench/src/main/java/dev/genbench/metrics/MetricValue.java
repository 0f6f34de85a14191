package dev.genbench.metrics;

/**
 * The outcome of one metric on one subset: a number, or the reason there is none.
 *
 * <p>Some metrics have no value on some inputs (AUROC with one class only, any metric on an empty
 * subset, the {@code past} mechanism in window 0). The original answers those cases with NaN, an
 * exception or a silently skipped log line; here the caller must look at the reason.
 */
public sealed interface MetricValue permits MetricValue.Defined, MetricValue.NotDefined {

    static MetricValue of(double value) {
        return new Defined(value);
    }

    static MetricValue notDefined(String reason) {
        return new NotDefined(reason);
    }

    boolean isDefined();

    /** The value, or {@code fallback} where the metric is not defined. */
    double orElse(double fallback);

    /** The value; throws naming the reason where there is none. */
    double value();

    record Defined(double value) implements MetricValue {
        public Defined {
            if (Double.isNaN(value)) {
                throw new IllegalArgumentException("a defined metric value cannot be NaN");
            }
        }

        @Override
        public boolean isDefined() {
            return true;
        }

        @Override
        public double orElse(double fallback) {
            return value;
        }

        @Override
        public String toString() {
            return Double.toString(value);
        }
    }

    record NotDefined(String reason) implements MetricValue {
        public NotDefined {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("a metric that is not defined must say why");
            }
        }

        @Override
        public boolean isDefined() {
            return false;
        }

        @Override
        public double orElse(double fallback) {
            return fallback;
        }

        @Override
        public double value() {
            throw new IllegalStateException("metric not defined: " + reason);
        }

        @Override
        public String toString() {
            return "not defined (" + reason + ")";
        }
    }
}
