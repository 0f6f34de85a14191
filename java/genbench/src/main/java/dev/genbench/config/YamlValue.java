package dev.genbench.config;

/**
 * A config value with more than one YAML shape (an int or a list, a bool or an int). Implementations also
 * declare {@code static T fromYaml(Object plain)}, which throws {@link IllegalArgumentException} with
 * the expected shape (e.g. "an integer or a list [height, width]") when the value does not fit.
 */
public interface YamlValue {
    /** The value as plain YAML objects (Long, Double, Boolean, String, List, null). */
    Object toYaml();
}
