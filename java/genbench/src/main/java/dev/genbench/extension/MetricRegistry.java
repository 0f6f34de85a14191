package dev.genbench.extension;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The extra metrics of a module ({@link DetectorModule#registerMetrics}), by name, in registration order.
 * A metric named {@code MinScore} is logged at the end of a validation as {@code validate_MinScore_epoch/all}
 * (the built-in grammar, SPEC §8.3). Not thread-safe; filled once when a run starts.
 */
public final class MetricRegistry {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    private final Map<String, EvaluationMetric> metrics = new LinkedHashMap<>();

    /**
     * Registers {@code metric} under {@code name} (letters, digits and {@code _}, starting with a letter).
     *
     * @throws IllegalArgumentException when the name is malformed or already registered
     */
    public MetricRegistry add(String name, EvaluationMetric metric) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name '" + name + "' must be letters, digits and _, starting with a letter");
        }
        if (metrics.putIfAbsent(name, metric) != null) {
            throw new IllegalArgumentException("metric '" + name + "' is registered twice");
        }
        return this;
    }

    /** The registered metrics, by name. */
    public Map<String, EvaluationMetric> metrics() {
        return Collections.unmodifiableMap(metrics);
    }
}
