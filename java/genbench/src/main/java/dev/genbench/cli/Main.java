package dev.genbench.cli;

import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code genbench} command. Subcommands are every command class in {@code dev.genbench.cli.commands}
 * ({@link CommandCatalog}): adding a command is adding one class there.
 */
@Command(
        name = "genbench",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Train and evaluate detectors of AI-generated images under the AI-GenBench protocol.",
            "",
            "Run a command with --help for its options, e.g. genbench fit --help."
        },
        footer = {
            "",
            "Configs merge left to right as in LightningCLI; dotted overrides (--trainer.max_epochs=2) apply where",
            "they stand on the command line. --print_config prints the merged configuration and exits.",
            "Environment: GENBENCH_PROGRESS=bar|plain|off, GENBENCH_JAVA_OPTS (extra JVM flags), GENBENCH_MODELS",
            "(model cards folder), GENBENCH_FEATURE_CACHE (feature cache folder)."
        })
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print debug lines and full stack traces on errors.")
    void verbose(boolean verbose) {
        Log.setVerbose(verbose);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code: 0 success, 1 internal error, 2 usage or user error. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command tree with genbench's error handling, for {@link #run} and for tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        for (Class<?> command : CommandCatalog.commands()) {
            cli.addSubcommand(command);
        }
        cli.setUsageHelpWidth(110); // after the subcommands: picocli applies these to those present
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(Main::handleExecutionException);
        cli.setParameterExceptionHandler(Main::handleParameterException);
        return cli;
    }

    private static int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof UserError) {
            err.println("error: " + e.getMessage());
            if (Log.isVerbose()) {
                e.printStackTrace(err);
            }
            err.flush();
            return 2;
        }
        err.println("error: internal error: " + e + (Log.isVerbose() ? "" : " (run again with --verbose for the stack trace)"));
        if (Log.isVerbose()) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return 2;
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {
                "genbench " + p.getProperty("version", "(unknown version)"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.arch")
                        + ", " + Runtime.getRuntime().availableProcessors() + " cores"
            };
        }
    }
}
