package dev.genbench.image;

import dev.genbench.console.UserError;
import java.util.Arrays;
import java.util.stream.Collectors;

/** {@code evaluation_cropping_strategy}: the crops an evaluation image yields (SPEC §6.4). */
public enum EvaluationCropping {
    /** Resize to exactly the input size, bilinear, antialiased: 1 crop. The default. */
    RESIZE("resize", 1),
    /** The centre input-size crop, zero-padded when smaller: 1 crop. */
    CROP("crop", 1),
    /** Five crops (TL, TR, BL, BR, centre), or the centre crop alone when a side is ≤ the input size. */
    MULTICROP("multicrop", 5),
    /** Unchanged (variable sizes; needs an evaluation batch of 1): 1 crop. */
    AS_IS("as_is", 1);

    private final String key;
    private final int maxCrops;

    EvaluationCropping(String key, int maxCrops) {
        this.key = key;
        this.maxCrops = maxCrops;
    }

    public String key() {
        return key;
    }

    /** The most crops one image can yield. */
    public int maxCrops() {
        return maxCrops;
    }

    public static EvaluationCropping fromKey(String key) {
        for (EvaluationCropping c : values()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        throw new UserError("evaluation_cropping_strategy '" + key + "' is not one of "
                + Arrays.stream(values()).map(EvaluationCropping::key).collect(Collectors.joining(", ")) + ".");
    }
}
