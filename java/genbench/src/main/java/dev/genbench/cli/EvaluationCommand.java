package dev.genbench.cli;

import dev.genbench.config.LoadedConfig;
import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.train.ExperimentLayout;
import java.util.List;

/**
 * {@code validate}, {@code test} and {@code predict}: evaluate the given window, or every completed
 * window in order (SPEC §4.4); an explicit {@code ckpt_path} or {@code model.base_weights} evaluates that
 * checkpoint instead of the window's latest.
 */
public abstract class EvaluationCommand extends RunCommand {

    @Override
    protected int run(LoadedConfig loaded, ExperimentLayout layout) {
        var config = loaded.config();
        Integer window = config.experimentInfo().slidingWindowsDefinition().currentWindow();
        List<Integer> windows = window != null ? List.of(window) : layout.completedWindows();
        boolean explicitWeights = config.ckptPath() != null || config.model().baseWeights() != null;
        if (windows.isEmpty() && !explicitWeights) {
            throw new UserError("experiment '" + layout.experimentFolder() + "' has no completed window to evaluate;"
                    + " train it first, or pass --ckpt_path or --model.base_weights");
        }
        Log.info("windows to evaluate: %s", windows.isEmpty() ? "[0] (explicit checkpoint)" : windows);
        throw notYetAvailable(spec.name());
    }
}
