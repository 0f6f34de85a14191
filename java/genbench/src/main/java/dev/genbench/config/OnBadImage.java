package dev.genbench.config;

/** {@code data.init_args.on_bad_image}: what the loader does with an image it cannot decode or process. */
public enum OnBadImage {
    /** Stop with an error naming the sample and the reason. */
    FAIL,
    /** Leave the image out of its batch, warn, and count it in the loader's statistics. */
    SKIP;

    /** The value as written in YAML. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
