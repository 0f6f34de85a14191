package dev.genbench.image;

import dev.genbench.console.UserError;

/** {@code data.on_bad_image}: what the loader does with an image it cannot decode or process. */
public enum OnBadImage {
    /** Stop with an error naming the sample and the reason. */
    FAIL("fail"),
    /** Leave the image out of its batch, warn, and count it in the loader's statistics. */
    SKIP("skip");

    private final String key;

    OnBadImage(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static OnBadImage fromKey(String key) {
        for (OnBadImage v : values()) {
            if (v.key.equals(key)) {
                return v;
            }
        }
        throw new UserError("data.on_bad_image '" + key + "' is not one of fail, skip.");
    }
}
