package dev.genbench.cli;

import dev.genbench.config.GenbenchConfig;
import dev.genbench.config.LoadedConfig;
import dev.genbench.config.SeedEverything;
import dev.genbench.console.Log;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Where a command finds what ships with genbench (model cards) and where runs keep shared state (the
 * feature cache), and the run-wide seed.
 */
public final class Workspace {
    private Workspace() {}

    /**
     * The installation folder: {@code -Dgenbench.home} (the launcher sets it to the repository root),
     * else the working directory.
     */
    public static Path home() {
        String home = System.getProperty("genbench.home");
        return home != null ? Path.of(home) : Path.of("");
    }

    /** The model cards: {@code -Dgenbench.models} or {@code GENBENCH_MODELS} if set, else {@code <home>/models/onnx}. */
    public static Path modelsFolder() {
        String override = System.getProperty("genbench.models", System.getenv("GENBENCH_MODELS"));
        return override != null && !override.isBlank() ? Path.of(override) : home().resolve("models").resolve("onnx");
    }

    /**
     * The feature cache root: {@code GENBENCH_FEATURE_CACHE} if set, else {@code feature_cache} beside the
     * experiments, so every experiment over the same data and backbone shares it.
     */
    public static Path featureCacheRoot(GenbenchConfig config) {
        String override = System.getenv("GENBENCH_FEATURE_CACHE");
        return override != null && !override.isBlank() ? Path.of(override)
                : config.experimentInfo().experimentsDataFolder().resolve("feature_cache");
    }

    /**
     * {@code seed_everything: true} draws a seed, as Lightning does, and the returned config carries it, so
     * the saved configuration records the seed a run used (SPEC §5); an integer is kept.
     */
    public static LoadedConfig withResolvedSeed(LoadedConfig loaded) {
        GenbenchConfig c = loaded.config();
        if (c.seedEverything().isFixed()) {
            return loaded;
        }
        long seed = Boolean.FALSE.equals(c.seedEverything().flag()) ? 0 : new SecureRandom().nextInt() & 0xFFFF_FFFFL;
        Log.info("seed_everything: %s; this run uses seed %d (saved with its configuration)", c.seedEverything().flag(), seed);
        GenbenchConfig seeded = new GenbenchConfig(new SeedEverything(null, seed), c.trainer(), c.data(), c.model(),
                c.experimentInfo(), c.datasetPath(), c.checkpointCallback(), c.ckptPath());
        return new LoadedConfig(loaded.tree(), seeded, loaded.warnings());
    }
}
