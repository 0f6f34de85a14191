package dev.genbench.minibench;

/**
 * The splits of the mini benchmark. {@code train} and {@code validation} play the roles they have in
 * AI-GenBench (the protocol's test stage reads validation, SPEC §3.4); {@code test} holds pairs made from
 * photos of their own, scored only by the cue check and by deployed detectors, never seen in training.
 */
enum Split {
    TRAIN("train"),
    VALIDATION("validation"),
    TEST("test");

    final String hfName;

    Split(String hfName) {
        this.hfName = hfName;
    }

    /**
     * The split of a generator's i-th pair: of every five, two go to train, two to validation and one to test,
     * so 75 fakes per generator keep 30 in train and 30 in validation.
     */
    static Split ofSample(int i) {
        return switch (i % 5) {
            case 0, 2 -> TRAIN;
            case 1, 3 -> VALIDATION;
            default -> TEST;
        };
    }

    /** The share of the photos a split receives: the same proportions as its pairs. */
    double photoShare() {
        return this == TEST ? 0.2 : 0.4;
    }
}
