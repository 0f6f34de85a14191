package dev.genbench.cli.commands;

import dev.genbench.cli.RunCommand;
import dev.genbench.cli.Workspace;
import dev.genbench.config.LoadedConfig;
import dev.genbench.models.FeatureCache;
import dev.genbench.train.ExperimentLayout;
import dev.genbench.train.ProbeRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code genbench cache-features}: only the backbone stage of a probe run, filling the feature cache for
 * every window and the evaluation set; {@code --shard i/n} fills one share, so array jobs can split it.
 */
@Command(
        name = "cache-features",
        mixinStandardHelpOptions = true,
        description = {
            "Compute and cache the backbone features a _probe run needs, without training.",
            "That is every window's training images with their augmentation replicas, and the evaluation images.",
            "Rows already cached are skipped, so an interrupted run resumes; --shard i/n computes one share, so n",
            "processes fill one cache together."
        },
        footer = {"", RunCommand.OVERRIDES_HELP_1, RunCommand.OVERRIDES_HELP_2, "",
            "Example (4 SLURM array tasks):",
            "  genbench cache-features --config <pipeline.yaml> --config <model.yaml> --shard ${SLURM_ARRAY_TASK_ID}/4",
            "The cache lives in <experiments_data_folder>/feature_cache (GENBENCH_FEATURE_CACHE overrides it)."})
public final class CacheFeaturesCommand extends RunCommand {

    @Option(names = "--shard", paramLabel = "i/n", defaultValue = "0/1", description = "The share to compute (default: all).")
    String shard;

    @Override
    protected boolean runsAnExperiment() {
        return false;
    }

    @Override
    protected int run(LoadedConfig loaded, ExperimentLayout layout) {
        FeatureCache.Shard share = FeatureCache.Shard.parse(shard);
        dev.genbench.cli.MiniBenchmarkSetup.ensure(loaded.config());
        LoadedConfig seeded = Workspace.withResolvedSeed(loaded);
        dev.genbench.train.StopSignals.install();
        try (ProbeRun run = ProbeRun.open(seeded, layout, Workspace.modelsFolder(), Workspace.featureCacheRoot(loaded.config()),
                seeded.config().seedEverything().seed(), plugins())) {
            run.cacheFeatures(share);
        } catch (dev.genbench.train.TrainingStopped stopped) {
            return Workspace.stopped(stopped, null);
        }
        return 0;
    }
}
