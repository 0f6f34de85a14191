package dev.genbench.protocol;

/**
 * The two evaluation stages. Both read the validation split with the same balancing and shuffle; they
 * differ only in the seed of the pairing shuffle and in how strictly reals and fakes must balance
 * (SPEC §3.3, §3.4; kept as in the original, SPEC §12 #6).
 */
public enum EvaluationStage {
    VALIDATION("validate", 1341, 1),
    TEST("test", 1340, 0);

    private final String key;
    private final int pairingSeed;
    private final int allowedImbalance;

    EvaluationStage(String key, int pairingSeed, int allowedImbalance) {
        this.key = key;
        this.pairingSeed = pairingSeed;
        this.allowedImbalance = allowedImbalance;
    }

    /** The stage name used in logs and file names ({@code validate}, {@code test}). */
    public String key() {
        return key;
    }

    /** The seed of CPython's {@code random.shuffle} over the real images before pairing. */
    public int pairingSeed() {
        return pairingSeed;
    }

    /** The largest |#real - #fake| the original accepts after balancing. */
    public int allowedImbalance() {
        return allowedImbalance;
    }
}
