package dev.genbench.minibench;

import java.nio.file.Path;

/**
 * What {@code genbench make-mini-benchmark} builds.
 *
 * @param out the dataset folder (it receives dataset_dict.json and generators.csv)
 * @param cache downloads, converted models and unfinished work; reused by later builds
 * @param fakesPerGenerator fakes of each generator, two fifths in train, two fifths in validation and one fifth in test; each comes with its paired real
 * @param seed the seed every random choice derives from
 * @param threads worker threads for generation
 */
public record MiniBenchmarkOptions(Path out, Path cache, int fakesPerGenerator, long seed, int threads) {
    public static final int DEFAULT_FAKES_PER_GENERATOR = 75;
    public static final long DEFAULT_SEED = 1337;

    public MiniBenchmarkOptions {
        if (fakesPerGenerator < 5) {
            throw new IllegalArgumentException("--fakes-per-generator must be at least 5 (two for train, two for validation, one for test), got " + fakesPerGenerator);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** The cache beside the dataset folder: {@code <parent of out>/.cache/mini_genbench}. */
    public static Path defaultCache(Path out) {
        Path parent = out.toAbsolutePath().getParent();
        return parent.resolve(".cache").resolve("mini_genbench");
    }
}
