package dev.genbench.cli;

import dev.genbench.config.ConfigArgument;
import dev.genbench.config.ConfigLoader;
import dev.genbench.config.LoadedConfig;
import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The LightningCLI-style configuration options shared by commands that take a run configuration:
 * {@code --config FILE} (repeatable), dotted overrides {@code --section.key=value} or
 * {@code --section.key value}, and {@code --print_config}. Layers apply in the order written.
 */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "A YAML config; repeat to layer several (pipeline first, then model, then local).")
    List<Path> configFiles = new ArrayList<>();

    @Option(names = "--print_config", arity = "0",
            description = "Print the merged configuration (every key, defaults included) and exit.")
    boolean printConfig;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    public boolean printConfig() {
        return printConfig;
    }

    /** The layers in command-line order. */
    public List<ConfigArgument> arguments() {
        List<String> args = subcommandArgs();
        List<ConfigArgument> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                break;
            }
            if (a.equals("--config")) {
                out.add(new ConfigArgument.File(Path.of(args.get(++i))));
            } else if (a.startsWith("--config=")) {
                out.add(new ConfigArgument.File(Path.of(a.substring("--config=".length()))));
            } else if (commandOption(a) != null) {
                // One of the command's own options (--print_config, --window 2, ...): not a config layer.
                var option = commandOption(a);
                if (!a.contains("=") && option.arity().max() > 0 && !option.typeInfo().isBoolean()) {
                    i++;
                }
            } else if (a.startsWith("--")) {
                String body = a.substring(2);
                int eq = body.indexOf('=');
                if (eq >= 0) {
                    out.add(ConfigArgument.Override.of(body.substring(0, eq), body.substring(eq + 1)));
                } else {
                    if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                        throw new UserError(a + " needs a value: write " + a + "=VALUE or " + a + " VALUE");
                    }
                    out.add(ConfigArgument.Override.of(body, args.get(++i)));
                }
            } else {
                throw new UserError("unexpected argument '" + a + "'; settings are given as --section.key=value");
            }
        }
        return out;
    }

    /** Loads the configuration; prints its warnings once each. */
    public LoadedConfig load(boolean lenient) {
        LoadedConfig loaded = ConfigLoader.load(arguments(), lenient);
        loaded.warnings().forEach(Log::warn);
        return loaded;
    }

    /** The command's declared option that {@code arg} names, if any. */
    private CommandLine.Model.OptionSpec commandOption(String arg) {
        if (!arg.startsWith("-")) {
            return null;
        }
        int eq = arg.indexOf('=');
        return spec.findOption(eq < 0 ? arg : arg.substring(0, eq));
    }

    /** The raw arguments after the subcommand's name, in the order the user wrote them. */
    private List<String> subcommandArgs() {
        CommandLine cmd = spec.commandLine();
        List<String> all = cmd.getParseResult().originalArgs();
        String name = spec.name();
        int start = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).equals(name) || spec.aliases().length > 0 && List.of(spec.aliases()).contains(all.get(i))) {
                start = i + 1;
                break;
            }
        }
        return all.subList(start, all.size());
    }
}
