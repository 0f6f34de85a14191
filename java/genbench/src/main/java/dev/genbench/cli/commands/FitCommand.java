package dev.genbench.cli.commands;

import dev.genbench.cli.RunCommand;
import dev.genbench.cli.Workspace;
import dev.genbench.config.LoadedConfig;
import dev.genbench.console.Log;
import dev.genbench.train.ExperimentLayout;
import dev.genbench.train.DetectorRun;
import picocli.CommandLine.Command;

/** {@code genbench fit}: trains the windows of an experiment one after another, resuming where it stopped. */
@Command(
        name = "fit",
        mixinStandardHelpOptions = true,
        description = {
            "Train a detector window after window, resuming where it stopped.",
            "Each window is validated; per-window AUROC and the average next-period AUROC are printed at the end.",
            "Re-running the same command with --experiment_info.experiment_id ID resumes where it stopped."
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

    @Override
    protected int run(LoadedConfig loaded, ExperimentLayout layout) {
        dev.genbench.cli.MiniBenchmarkSetup.ensure(loaded.config());
        LoadedConfig seeded = Workspace.withResolvedSeed(loaded);
        try (DetectorRun run = DetectorRun.open(seeded, layout, Workspace.modelsFolder(), Workspace.featureCacheRoot(seeded.config()),
                seeded.config().seedEverything().seed())) {
            run.fit();
            Log.info("%n%s", run.summary("validate"));
        }
        return 0;
    }
}
