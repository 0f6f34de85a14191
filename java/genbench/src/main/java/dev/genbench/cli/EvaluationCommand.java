package dev.genbench.cli;

import dev.genbench.config.LoadedConfig;
import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.train.ExperimentLayout;
import dev.genbench.train.DetectorRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code validate}, {@code test} and {@code predict}: evaluate the given window, or every completed
 * window in order (SPEC §4.4); an explicit {@code ckpt_path} or {@code model.base_weights} evaluates that
 * checkpoint instead of the window's latest. Predictions files go to each window folder.
 */
public abstract class EvaluationCommand extends RunCommand {

    @Override
    protected int run(LoadedConfig loaded, ExperimentLayout layout) {
        var config = loaded.config();
        Integer window = config.experimentInfo().slidingWindowsDefinition().currentWindow();
        List<Integer> windows = window != null ? List.of(window) : layout.completedWindows();
        Optional<Path> explicit = Optional.ofNullable(config.ckptPath()).or(() -> Optional.ofNullable(config.model().baseWeights()));
        if (windows.isEmpty() && explicit.isEmpty()) {
            throw new UserError("experiment '" + layout.experimentFolder() + "' has no completed window to evaluate;"
                    + " train it first, or pass --ckpt_path or --model.base_weights");
        }
        if (window == null && !windows.isEmpty() && explicit.isPresent()) {
            throw new UserError("an explicit checkpoint evaluates one window: add"
                    + " --experiment_info.sliding_windows_definition.current_window K");
        }
        Log.info("windows to evaluate: %s", windows.isEmpty() ? "[0] (explicit checkpoint)" : windows);
        LoadedConfig seeded = Workspace.withResolvedSeed(loaded);
        try (DetectorRun run = DetectorRun.open(seeded, layout, Workspace.modelsFolder(), Workspace.featureCacheRoot(config),
                seeded.config().seedEverything().seed(), plugins())) {
            run.evaluateWindows(spec.name(), windows, explicit);
            if (!spec.name().equals("predict") && window == null) {
                Log.info("%n%s", run.summary(spec.name()));
            }
        }
        return 0;
    }
}
