package dev.genbench.cli.commands;

import dev.genbench.cli.RunCommand;
import dev.genbench.cli.Workspace;
import dev.genbench.config.LoadedConfig;
import dev.genbench.console.Log;
import dev.genbench.train.ExperimentLayout;
import dev.genbench.train.DetectorRun;
import dev.genbench.train.StopSignals;
import dev.genbench.train.TrainingStopped;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genbench fit}: trains the windows of an experiment one after another, resuming where it stopped. */
@Command(
        name = "fit",
        mixinStandardHelpOptions = true,
        description = {
            "Train a detector window after window, resuming where it stopped.",
            "Each window is validated; per-window AUROC and the average next-period AUROC are printed at the end.",
            "Re-running the same command with --experiment_info.experiment_id ID resumes where it stopped:",
            "finished windows are skipped and the current one continues from its last checkpoint, bit for bit.",
            "Ctrl-C or SIGTERM saves a checkpoint and stops (Ctrl-C twice: at once); under SLURM, SIGUSR1",
            "(sbatch --signal=B:USR1@120) saves and requeues the job."
        },
        footer = {
            "",
            RunCommand.OVERRIDES_HELP_1,
            RunCommand.OVERRIDES_HELP_2,
            "",
            "Example:",
            "  genbench fit --config configs/benchmark_pipelines/base_benchmark_sliding_windows.yaml \\",
            "               --config configs/RN50_clip/RN50_clip_probe_resize.yaml --config local_config.yaml \\",
            "               --trainer.max_epochs=2 --experiment_info.experiment_id 7"
        })
public final class FitCommand extends RunCommand {

    @Option(names = "--force", description = "Resume even when the configuration differs from the one the experiment ran with.")
    boolean force;

    @Override
    protected int run(LoadedConfig loaded, ExperimentLayout layout) {
        dev.genbench.cli.MiniBenchmarkSetup.ensure(loaded.config());
        LoadedConfig seeded = Workspace.withResolvedSeed(loaded, layout.latestSavedConfig("fit"));
        StopSignals.install();
        try (DetectorRun run = DetectorRun.open(seeded, layout, Workspace.modelsFolder(), Workspace.featureCacheRoot(seeded.config()),
                seeded.config().seedEverything().seed(), plugins())) {
            run.fit(force);
            Log.info("%n%s", run.summary("validate"));
        } catch (TrainingStopped stopped) {
            return Workspace.stopped(stopped, layout);
        }
        return 0;
    }
}
