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
        return withResolvedSeed(loaded, java.util.Optional.empty());
    }

    /**
     * As {@link #withResolvedSeed(LoadedConfig)}, but a drawn seed is taken from {@code savedConfig} (the
     * experiment's saved {@code fit_config.yaml}) when there is one, so a resumed run uses the seed it started with.
     */
    public static LoadedConfig withResolvedSeed(LoadedConfig loaded, java.util.Optional<Path> savedConfig) {
        GenbenchConfig c = loaded.config();
        if (c.seedEverything().isFixed()) {
            return loaded;
        }
        java.util.OptionalLong saved = savedConfig.isPresent() && Boolean.TRUE.equals(c.seedEverything().flag())
                ? savedSeed(savedConfig.get()) : java.util.OptionalLong.empty();
        long seed = saved.isPresent() ? saved.getAsLong()
                : Boolean.FALSE.equals(c.seedEverything().flag()) ? 0 : new SecureRandom().nextInt() & 0xFFFF_FFFFL;
        Log.info("seed_everything: %s; this run uses seed %d (%s)", c.seedEverything().flag(), seed,
                saved.isPresent() ? "the experiment's, from " + savedConfig.get() : "saved with its configuration");
        GenbenchConfig seeded = new GenbenchConfig(new SeedEverything(null, seed), c.trainer(), c.data(), c.model(),
                c.experimentInfo(), c.datasetPath(), c.checkpointCallback(), c.ckptPath());
        return new LoadedConfig(loaded.tree(), seeded, loaded.warnings());
    }

    private static java.util.OptionalLong savedSeed(Path savedConfig) {
        var tree = dev.genbench.config.Yaml.readFile(savedConfig);
        if (tree.get("seed_everything") instanceof dev.genbench.config.ConfigNode.Scalar s && s.toPlain() instanceof Long n) {
            return java.util.OptionalLong.of(n);
        }
        return java.util.OptionalLong.empty();
    }

    /**
     * Reports a run stopped by a signal and returns its exit status; under SLURM, a pre-empted job
     * ({@code SIGUSR1}) is requeued first, and resumes under the same experiment id (SPEC §4.6).
     *
     * @param layout the experiment, or null for work outside one (the feature cache)
     */
    public static int stopped(dev.genbench.train.TrainingStopped stopped, dev.genbench.train.ExperimentLayout layout) {
        Log.info("stopped: %s", stopped.getMessage());
        if (stopped.reason() == dev.genbench.train.StopSignals.Reason.PREEMPT) {
            String job = System.getenv("SLURM_JOB_ID");
            if (job != null) {
                Log.info("SLURM job %s: requeueing it (scontrol requeue); it resumes where it stopped", job);
                dev.genbench.cluster.Slurm.requeue(job);
                Log.info("SLURM job %s requeued", job);
                return 0;
            }
            Log.info("no SLURM_JOB_ID: not a SLURM job, so nothing is requeued");
        }
        if (layout != null) {
            Log.info("to resume, run the same command with --experiment_info.experiment_id %s", layout.id());
        }
        return stopped.reason().exitStatus == 0 ? 143 : stopped.reason().exitStatus;
    }
}
