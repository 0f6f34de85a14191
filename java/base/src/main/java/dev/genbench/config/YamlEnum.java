package dev.genbench.config;

/** An enum whose YAML spelling differs from its Java name ({@code "bf16-mixed"}, {@code "immediate_future"}). */
public interface YamlEnum {
    String yaml();
}
