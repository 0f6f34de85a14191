package dev.genbench.cli.commands;

import dev.genbench.cli.RunCommand;
import dev.genbench.cli.Workspace;
import dev.genbench.cluster.Slurm;
import dev.genbench.config.ConfigArgument;
import dev.genbench.config.LoadedConfig;
import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.train.ExperimentLayout;
import dev.genbench.train.ProbeRun;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code genbench slurm}: an experiment as SLURM jobs (feature cache array, then the windows), and where they stand. */
@Command(
        name = "slurm",
        mixinStandardHelpOptions = true,
        description = {"Run an experiment as SLURM jobs: `slurm submit` writes and submits them, `slurm status` shows them."},
        subcommands = {SlurmCommand.Submit.class, SlurmCommand.Status.class})
public final class SlurmCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "submit",
            mixinStandardHelpOptions = true,
            description = {
                "Write sbatch scripts for an experiment and submit them: an array job filling the feature cache",
                "(genbench cache-features --shard i/n), then one job per window, each after the one before (afterok).",
                "Every job is safe to requeue; window jobs save and requeue themselves on SIGUSR1."
            },
            footer = {"", RunCommand.OVERRIDES_HELP_1, RunCommand.OVERRIDES_HELP_2, "",
                "Example:",
                "  genbench slurm submit --config <pipeline.yaml> --config <model.yaml> --shards 8 \\",
                "      --sbatch=--partition=gpu --sbatch=--time=4:00:00 --experiment_info.experiment_id paper1",
                "Scripts and jobs.json go to <experiment folder>/slurm; plain templates are in configs/slurm."})
    public static final class Submit extends RunCommand {
        @Option(names = "--shards", defaultValue = "4", description = "Array tasks filling the feature cache (0: no cache job). Default: ${DEFAULT-VALUE}.")
        int shards;

        @Option(names = "--sbatch", paramLabel = "OPTION", description = "An extra #SBATCH option for every job, e.g. --sbatch=--partition=gpu (repeatable).")
        List<String> sbatch = new ArrayList<>();

        @Option(names = "--signal-seconds", defaultValue = "120", description = "SIGUSR1 this long before a window job's end. Default: ${DEFAULT-VALUE}.")
        int signalSeconds;

        @Option(names = "--dry-run", description = "Write the scripts but submit nothing.")
        boolean dryRun;

        @Option(names = "--genbench", paramLabel = "PATH", description = "The launcher the jobs run (default: this installation's).")
        Path genbench;

        @Override
        protected int run(LoadedConfig loaded, ExperimentLayout layout) {
            if (shards < 0) {
                throw new UserError("--shards must be 0 or more, got " + shards);
            }
            dev.genbench.cli.MiniBenchmarkSetup.ensure(loaded.config());
            LoadedConfig seeded = Workspace.withResolvedSeed(loaded, layout.latestSavedConfig("fit"));
            int windows;
            try (ProbeRun run = ProbeRun.open(seeded, layout, Workspace.modelsFolder(), Workspace.featureCacheRoot(seeded.config()),
                    seeded.config().seedEverything().seed(), plugins())) {
                windows = run.windowCount();
            }
            List<String> args = new ArrayList<>();
            for (ConfigArgument a : configOptions.arguments()) {
                switch (a) {
                    case ConfigArgument.File f -> {
                        args.add("--config");
                        args.add(f.path().toAbsolutePath().toString());
                    }
                    case ConfigArgument.Override o -> {
                        if (!o.dottedKey().equals("experiment_info.experiment_id")) {
                            args.add(o.argument() + "=" + o.value());
                        }
                    }
                }
            }
            if (classpath != null && !classpath.isBlank()) {
                // the jobs load the same plug-ins, by absolute paths since they may start elsewhere
                List<String> entries = new ArrayList<>();
                for (String entry : classpath.split(java.io.File.pathSeparator)) {
                    if (!entry.isBlank()) {
                        entries.add(Path.of(entry.strip()).toAbsolutePath().normalize().toString());
                    }
                }
                args.add("--classpath=" + String.join(java.io.File.pathSeparator, entries));
            }
            if (!seeded.config().seedEverything().equals(loaded.config().seedEverything())) {
                args.add("--seed_everything=" + seeded.config().seedEverything().seed()); // one drawn seed for every job
            }
            Path folder = layout.experimentFolder().resolve("slurm");
            Path launcher = genbench != null ? genbench : Workspace.home().toAbsolutePath().resolve("genbench");
            var plan = new Slurm.Plan(folder, launcher, Path.of("").toAbsolutePath(), args, layout.id().text(), windows, shards,
                    sbatch, signalSeconds);
            List<Path> scripts = Slurm.writeScripts(plan);
            Log.info("experiment %s: %d scripts in %s", layout.id(), scripts.size(), folder);
            if (dryRun) {
                return 0;
            }
            for (Slurm.Job job : Slurm.submit(plan, scripts)) {
                Log.info("  %-16s job %s", job.name(), job.jobId());
            }
            Log.info("follow them with: genbench slurm status %s", layout.experimentFolder());
            return 0;
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {"Show where each SLURM job of an experiment stands, and each window's progress on disk."})
    public static final class Status implements Callable<Integer> {
        @Parameters(paramLabel = "EXPERIMENT", description = "The experiment folder, or its id under experiments_data/experiment_<id>.")
        String experiment;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Path folder = Path.of(experiment);
            if (!Files.isDirectory(folder)) {
                folder = Path.of("experiments_data", "experiment_" + experiment);
            }
            if (!Files.isDirectory(folder)) {
                throw new UserError("no experiment folder '" + experiment + "' (nor '" + folder + "'); give the folder that"
                        + " `genbench slurm submit` printed");
            }
            List<Slurm.Job> jobs = Slurm.readJobs(folder.resolve("slurm"));
            Map<String, String> states = Slurm.states(jobs);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-16s %-12s %-28s %s%n", "job", "id", "SLURM state", "on disk");
            for (Slurm.Job job : jobs) {
                out.printf("%-16s %-12s %-28s %s%n", job.name(), job.jobId(), states.get(job.jobId()), onDisk(folder, job.name()));
            }
            out.flush();
            return 0;
        }

        private static String onDisk(Path experiment, String jobName) {
            if (!jobName.startsWith("window_")) {
                return "";
            }
            Path window = experiment.resolve(jobName);
            if (Files.exists(window.resolve("done"))) {
                return "done";
            }
            return ExperimentLayout.checkpointsNewestFirst(window.resolve("checkpoints")).stream().findFirst()
                    .map(c -> "last checkpoint " + c.getFileName()).orElse(Files.isDirectory(window) ? "started" : "not started");
        }
    }
}
