package dev.genbench.cli;

import dev.genbench.config.GenbenchConfig;
import dev.genbench.config.LoadedConfig;
import dev.genbench.config.TrainerConfig;
import dev.genbench.models.OrtBackbone;
import dev.genbench.console.Log;
import dev.genbench.extension.Plugins;
import dev.genbench.train.ExperimentLayout;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * What {@code fit}, {@code validate}, {@code test} and {@code predict} share: the LightningCLI-style
 * configuration and the experiment layout. Subclasses say what the stage does with them.
 */
public abstract class RunCommand implements Callable<Integer> {

    /** Help footer lines shared by the run commands. */
    public static final String OVERRIDES_HELP_1 =
            "Settings: --config FILE (repeatable) and dotted overrides --section.key=value or --section.key value";
    public static final String OVERRIDES_HELP_2 =
            "(values are YAML: 3, [0, 1], {lr: 0.01}); they apply left to right, as in LightningCLI.";

    @Mixin
    protected ConfigOptions configOptions;

    @CommandLine.Option(names = "--classpath", paramLabel = "PATHS",
            description = {"Jars and class folders (separated by '${sys:path.separator}') holding the classes that model.class_path"
                + " and trainer.callbacks name, searched before GENBENCH_PLUGINS and plugins/."})
    protected String classpath;

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    /** Dotted overrides; {@link ConfigOptions#arguments()} reads them back in command-line order. */
    @CommandLine.Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public final Integer call() {
        LoadedConfig loaded = configOptions.load(configOptions.printConfig());
        if (configOptions.printConfig()) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(loaded.toYaml());
            out.flush();
            return 0;
        }
        GenbenchConfig config = loaded.config();
        var accelerator = config.trainer().accelerator();
        if (accelerator == TrainerConfig.Accelerator.CUDA || accelerator == TrainerConfig.Accelerator.GPU) {
            // Before any data is opened: a CPU-only build says at once what to do.
            OrtBackbone.requireCudaProvider("model '" + config.model().modelName() + "'");
        }
        var id = ExperimentLayout.resolveId(config.experimentInfo(), System.getenv());
        ExperimentLayout layout = ExperimentLayout.of(config.experimentInfo(), id);
        if (runsAnExperiment()) {
            Log.info("experiment %s: data in %s", id, layout.experimentFolder());
            Log.info("to resume or re-evaluate it, add --experiment_info.experiment_id %s to the same command", id);
        }
        return run(loaded, layout);
    }

    /** Whether the command works inside one experiment's folders (the id is then worth telling the user). */
    protected boolean runsAnExperiment() {
        return true;
    }

    /** Where the user classes the configuration names are loaded from: {@code --classpath}, then the environment. */
    protected Plugins plugins() {
        return Plugins.resolve(classpath);
    }

    /** Runs the stage on a complete configuration; returns the exit code. */
    protected abstract int run(LoadedConfig loaded, ExperimentLayout layout);

}
