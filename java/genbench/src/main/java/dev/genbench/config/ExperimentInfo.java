package dev.genbench.config;

import java.nio.file.Path;

/**
 * {@code experiment_info.*} (SPEC §4.2, §10.2): where an experiment lives and which windows it runs. The
 * defaults are the full-training ones; the sliding-window pipeline sets 4 generators, cumulative.
 */
public record ExperimentInfo(
        @Default("{}") SlidingWindowsDefinition slidingWindowsDefinition,
        @Nullable ExperimentId experimentId,
        @Default("experiment_") String experimentNamePrefix,
        @Default("window_") String windowNamePrefix,
        @Nullable Integer loggingInitialStep,
        @Default("experiments_data") Path experimentsDataFolder) {

    public ExperimentInfo {
        if (windowNamePrefix.isEmpty() || windowNamePrefix.indexOf('_') != windowNamePrefix.length() - 1) {
            // Window folders are parsed by the integer after the first '_' (SPEC §4.2).
            throw new IllegalArgumentException("window_name_prefix must end with its only '_' (like \"window_\"), got \""
                    + windowNamePrefix + "\"");
        }
        if (experimentNamePrefix.isEmpty()) {
            throw new IllegalArgumentException("experiment_name_prefix must not be empty");
        }
        if (loggingInitialStep != null && loggingInitialStep < 0) {
            throw new IllegalArgumentException("logging_initial_step must not be negative, got " + loggingInitialStep);
        }
    }

    /** {@code experiment_info.sliding_windows_definition} (SPEC §3.1). */
    public record SlidingWindowsDefinition(
            @Default("0") int nGeneratorsPerWindow,
            @Nullable Integer currentWindow,
            @Default("none") BenchmarkType benchmarkType) {

        public SlidingWindowsDefinition {
            if (benchmarkType == BenchmarkType.NONE && nGeneratorsPerWindow != 0) {
                throw new IllegalArgumentException("n_generators_per_window must be 0 when benchmark_type is none, got "
                        + nGeneratorsPerWindow);
            }
            if (benchmarkType != BenchmarkType.NONE && nGeneratorsPerWindow <= 0) {
                throw new IllegalArgumentException("n_generators_per_window must be positive when benchmark_type is "
                        + benchmarkType.name().toLowerCase(java.util.Locale.ROOT) + ", got " + nGeneratorsPerWindow);
            }
            if (currentWindow != null && currentWindow < 0) {
                throw new IllegalArgumentException("current_window must be null or a window index >= 0, got " + currentWindow);
            }
            if (benchmarkType == BenchmarkType.NONE && currentWindow != null && currentWindow != 0) {
                throw new IllegalArgumentException("current_window must be 0 or null when benchmark_type is none, got " + currentWindow);
            }
        }
    }

    /** The original's benchmark types (SPEC §3.1); the benchmark uses cumulative. */
    public enum BenchmarkType {
        CUMULATIVE, CONTINUAL_LEARNING, NONE;

        /** The value as written in YAML. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
