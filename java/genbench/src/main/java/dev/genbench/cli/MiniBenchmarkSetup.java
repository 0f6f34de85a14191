package dev.genbench.cli;

import dev.genbench.config.GenbenchConfig;
import dev.genbench.console.Log;
import dev.genbench.minibench.MiniBenchmarkBuilder;
import dev.genbench.minibench.MiniBenchmarkOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes the README's main command work on a fresh machine: when a run names the built-in mini benchmark
 * ({@code datasets/mini_genbench}) and it is not there yet, it is built first (once; later runs reuse
 * it), and the probe backbone its default config reads is put in place.
 */
public final class MiniBenchmarkSetup {
    public static final Path DEFAULT_DATASET = Path.of("datasets", "mini_genbench");
    static final String PROBE_MODEL = "mobilenetv2_nsfw";

    private MiniBenchmarkSetup() {}

    public static void ensure(GenbenchConfig config) {
        Path dataset = config.resolvedDatasetPath();
        boolean isMini = dataset != null && dataset.toAbsolutePath().normalize().equals(DEFAULT_DATASET.toAbsolutePath().normalize());
        boolean wantsProbeBackbone = config.model() != null && config.model().modelName() != null
                && config.model().modelName().startsWith(PROBE_MODEL + "_")
                && !Files.isRegularFile(Workspace.modelsFolder().resolve(MiniBenchmarkBuilder.PROBE_BACKBONE_FILE));
        if (!isMini && !wantsProbeBackbone) {
            return;
        }
        var builder = new MiniBenchmarkBuilder(new MiniBenchmarkOptions(DEFAULT_DATASET, MiniBenchmarkOptions.defaultCache(DEFAULT_DATASET),
                MiniBenchmarkOptions.DEFAULT_FAKES_PER_GENERATOR, MiniBenchmarkOptions.DEFAULT_SEED,
                Runtime.getRuntime().availableProcessors()));
        boolean built = isMini && !Files.isRegularFile(dataset.resolve("dataset_dict.json"));
        if (built) {
            Log.info("the built-in mini benchmark is not built yet: building it now (once; see `genbench make-mini-benchmark --help`)");
            builder.build();
        }
        if (wantsProbeBackbone) {
            builder.exportProbeBackbone(Workspace.modelsFolder());
        }
        if (built || wantsProbeBackbone) {
            builder.dropRebuildableFiles();
        }
    }
}
