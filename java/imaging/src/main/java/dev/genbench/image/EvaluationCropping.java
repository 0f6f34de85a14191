package dev.genbench.image;

/**
 * {@code evaluation_cropping_strategy} (SPEC §6.4): one resized or cropped view, five crops, or as is. Owned
 * by the imaging module so that the standalone detector reads it without the framework's configuration.
 */
public enum EvaluationCropping {
    RESIZE, CROP, MULTICROP, AS_IS;

    /** The value as written in YAML and in an exported detector's metadata. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The strategy spelt {@code key} (as {@link #key()} writes it); null when none is. */
    public static EvaluationCropping fromKey(String key) {
        for (EvaluationCropping c : values()) {
            if (c.key().equals(key)) {
                return c;
            }
        }
        return null;
    }

    /** The most crops one image yields: five for multicrop (FiveCrop), else one. */
    public int maxCrops() {
        return this == MULTICROP ? 5 : 1;
    }
}
