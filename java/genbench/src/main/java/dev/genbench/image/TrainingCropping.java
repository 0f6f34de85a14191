package dev.genbench.image;

/** {@code training_cropping_strategy} (SPEC §6.3): how a training image becomes the model's input size. */
public enum TrainingCropping {
    RESIZE, RANDOM_CROP, CENTER_CROP, AS_IS;

    /** The value as written in YAML. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
