package dev.genbench.minibench;

/** The splits of the mini benchmark, as in the real AI-GenBench: no {@code test} split, which falls back to validation. */
enum Split {
    TRAIN("train"),
    VALIDATION("validation");

    final String hfName;

    Split(String hfName) {
        this.hfName = hfName;
    }
}
