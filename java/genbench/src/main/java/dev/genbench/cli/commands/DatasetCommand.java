package dev.genbench.cli.commands;

import dev.genbench.cli.ConfigOptions;
import dev.genbench.cli.RunCommand;
import dev.genbench.config.GenbenchConfig;
import dev.genbench.console.UserError;
import dev.genbench.protocol.BenchmarkData;
import dev.genbench.protocol.DatasetInfo;
import dev.genbench.protocol.ProtocolPlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genbench dataset ...}: look at a dataset through the protocol before training on it. */
@Command(
        name = "dataset",
        mixinStandardHelpOptions = true,
        description = "Inspect the dataset a configuration names.",
        subcommands = DatasetCommand.Info.class)
public final class DatasetCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code genbench dataset info}: splits, counts per generator, windows; or one window's samples in protocol order. */
    @Command(
            name = "info",
            mixinStandardHelpOptions = true,
            description = {
                "Show the dataset's splits, images per generator and real, and the windows with their generators and",
                "sample counts per split. With --window K --list SET, print that window's samples in protocol order",
                "(position, ID, file_id, generator, and for evaluation the paired generator) as tab-separated lines."
            },
            footer = {"", RunCommand.OVERRIDES_HELP_1, RunCommand.OVERRIDES_HELP_2, "",
                "Example:",
                "  genbench dataset info --config configs/benchmark_pipelines/base_benchmark_sliding_windows.yaml \\",
                "                        --config local_config.yaml --window 2 --list validation"})
    public static final class Info implements Callable<Integer> {

        @Mixin
        ConfigOptions configOptions;

        @CommandLine.Unmatched
        List<String> overrides = new ArrayList<>();

        @Option(names = "--window", paramLabel = "K", description = "The window to list (with --list).")
        Integer window;

        @Option(names = "--list", paramLabel = "SET", description = "List a window's samples: train, validation or test.")
        DatasetInfo.ListKind list;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if ((window == null) != (list == null)) {
                throw new UserError("--window and --list go together, for example --window 0 --list train");
            }
            // Only the data and protocol settings matter here: a missing model section is fine.
            GenbenchConfig config = configOptions.load(true).config();
            var settings = ProtocolPlan.Settings.of(config);
            PrintWriter out = spec.commandLine().getOut();
            try (BenchmarkData data = BenchmarkData.open(config)) {
                ProtocolPlan plan = ProtocolPlan.build(data.catalogue(), data.train().labelled(), data.validation().labelled(), settings);
                if (list != null) {
                    if (window < 0 || window >= plan.windows().size()) {
                        throw new UserError("--window " + window + " is outside the " + plan.windows().size()
                                + " windows of this dataset (0.." + (plan.windows().size() - 1) + ")");
                    }
                    out.print(DatasetInfo.listingTsv(DatasetInfo.listing(data, plan, window, list)));
                } else {
                    out.print(DatasetInfo.of(data, plan, settings).toText());
                }
            }
            out.flush();
            return 0;
        }
    }
}
