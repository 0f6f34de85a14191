package dev.genbench.metrics;

/** The stage a metric was computed in; its key starts every logged name (SPEC §8.3). */
public enum Stage {
    FIT("fit"),
    VALIDATE("validate"),
    TEST("test");

    private final String key;

    Stage(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
