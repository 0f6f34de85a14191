package dev.genbench.engine;

import dev.genbench.console.UserError;
import java.util.Locale;

/**
 * Lightning's {@code trainer.precision} values, and which of them a backend can train in. The CPU
 * backend trains in {@code 32-true} only; asking it for a mixed or half precision is a
 * {@link UserError} that says so, rather than a silent fall-back. Immutable.
 */
public enum Precision {
    FP32_TRUE("32-true"),
    FP64_TRUE("64-true"),
    BF16_MIXED("bf16-mixed"),
    FP16_MIXED("16-mixed"),
    BF16_TRUE("bf16-true"),
    FP16_TRUE("16-true");

    private final String key;

    Precision(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** Parses a configured value; Lightning's short forms (32, "bf16", 16, 64) are accepted too. */
    public static Precision parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "32-true", "32", "32.0" -> FP32_TRUE;
            case "64-true", "64" -> FP64_TRUE;
            case "bf16-mixed", "bf16" -> BF16_MIXED;
            case "16-mixed", "16" -> FP16_MIXED;
            case "bf16-true" -> BF16_TRUE;
            case "16-true" -> FP16_TRUE;
            default -> throw new UserError("trainer.precision '" + value + "' is not a precision; use 32-true, bf16-mixed, 16-mixed, bf16-true, 16-true or 64-true");
        };
    }

    /** This precision if the CPU backend trains in it, else a UserError naming the alternative. */
    public Precision requireCpu() {
        if (this != FP32_TRUE) {
            throw new UserError("trainer.precision " + key + " is not available on the CPU backend, which trains in 32-true; set trainer.precision: 32-true (or train on a CUDA device)");
        }
        return this;
    }
}
