package dev.genbench.image;

import dev.genbench.console.UserError;
import java.util.Arrays;
import java.util.stream.Collectors;

/** {@code training_cropping_strategy}: how a training image reaches the model's input size (SPEC §6.3). */
public enum TrainingCropping {
    /** Resize to exactly the input size (aspect ratio not kept), bilinear, antialiased. */
    RESIZE("resize"),
    /** A random input-size crop, zero-padding each end of a short side by the missing amount. */
    RANDOM_CROP("random_crop"),
    /** The centre input-size crop, zero-padded if smaller. */
    CENTER_CROP("center_crop"),
    /** Unchanged (variable sizes). */
    AS_IS("as_is");

    private final String key;

    TrainingCropping(String key) {
        this.key = key;
    }

    /** The YAML value, as in the original. */
    public String key() {
        return key;
    }

    public static TrainingCropping fromKey(String key) {
        for (TrainingCropping c : values()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        throw new UserError("training_cropping_strategy '" + key + "' is not one of "
                + Arrays.stream(values()).map(TrainingCropping::key).collect(Collectors.joining(", ")) + ".");
    }
}
