package dev.genbench.config;

/**
 * {@code experiment_info.experiment_id}: an integer or a string (for example a SLURM job id
 * {@code 4242_7}); the experiment folder is the name prefix followed by {@link #text()}.
 */
public record ExperimentId(String text, boolean numeric) implements YamlValue {

    public ExperimentId {
        if (text.isBlank() || text.contains("/") || text.contains("\\")) {
            throw new IllegalArgumentException("an experiment id must be a non-empty name without path separators");
        }
    }

    public static ExperimentId of(long n) {
        return new ExperimentId(Long.toString(n), true);
    }

    public static ExperimentId of(String text) {
        return new ExperimentId(text, text.matches("\\d+"));
    }

    public static ExperimentId fromYaml(Object plain) {
        if (plain instanceof Long n && n >= 0) {
            return of(n);
        }
        if (plain instanceof String s && !s.isBlank() && !s.contains("/") && !s.contains("\\")) {
            return new ExperimentId(s, false);
        }
        throw new IllegalArgumentException("a non-negative integer or a name without path separators");
    }

    @Override
    public Object toYaml() {
        return numeric ? (Object) Long.parseLong(text) : text;
    }

    @Override
    public String toString() {
        return text;
    }
}
