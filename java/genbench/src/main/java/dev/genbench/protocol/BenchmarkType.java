package dev.genbench.protocol;

import dev.genbench.console.UserError;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How a window's training set is built from the windows before it (SPEC §3.1). */
public enum BenchmarkType {
    /** Window k trains on its own images and those of every earlier window (the benchmark's choice). */
    CUMULATIVE("cumulative"),
    /** Window k trains on its own images only. */
    CONTINUAL_LEARNING("continual_learning"),
    /** One window holding the whole train split (the full-training pipeline, SPEC §3.5). */
    NONE("none");

    private final String key;

    BenchmarkType(String key) {
        this.key = key;
    }

    /** The value as written in YAML ({@code benchmark_type}). */
    public String key() {
        return key;
    }

    public static BenchmarkType fromKey(String value) {
        for (BenchmarkType t : values()) {
            if (t.key.equals(value)) {
                return t;
            }
        }
        throw new UserError("benchmark_type is \"" + value + "\"; use one of "
                + Arrays.stream(values()).map(BenchmarkType::key).collect(Collectors.joining(", ")) + ".");
    }
}
