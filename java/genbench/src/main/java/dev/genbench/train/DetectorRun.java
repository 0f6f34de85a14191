package dev.genbench.train;

import dev.genbench.config.LoadedConfig;
import dev.genbench.console.Log;
import dev.genbench.extension.Callback;
import dev.genbench.extension.Plugins;
import dev.genbench.models.ModelCatalogue;
import dev.genbench.protocol.ProtocolPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A detector's run over the sliding windows, whichever way it trains: {@link ProbeRun} (frozen backbone,
 * cached features, a trained head) or {@link TuneRun} (the whole network on the engine). Commands open
 * one with {@link #open} and do not care which.
 */
public sealed interface DetectorRun extends AutoCloseable permits ProbeRun, TuneRun {

    /**
     * Opens the run that {@code model.init_args.model_name}'s suffix asks for ({@code _probe} or {@code _tune}),
     * with the user classes its configuration names loaded from {@code plugins}.
     */
    static DetectorRun open(LoadedConfig loaded, ExperimentLayout layout, Path modelsFolder, Path cacheRoot, long seed, Plugins plugins) {
        var variant = ModelCatalogue.load(modelsFolder).resolve(loaded.config().model().modelName()).variant();
        return variant == ModelCatalogue.Variant.TUNE ? TuneRun.open(loaded, layout, modelsFolder, seed, plugins)
                : ProbeRun.open(loaded, layout, modelsFolder, cacheRoot, seed, plugins);
    }

    /** Trains the windows from where the experiment stands (or the one window asked for); returns the windows trained. */
    default List<Integer> fit() {
        return fit(false);
    }

    /**
     * As {@link #fit()}; with {@code force} resumes even when the configuration differs from the one the
     * experiment was run with (the differing keys are warned of).
     *
     * @throws TrainingStopped when a signal stopped the run after saving a checkpoint
     */
    List<Integer> fit(boolean force);

    /** {@code validate}, {@code test} or {@code predict} with each window's latest checkpoint (or one explicit checkpoint). */
    void evaluateWindows(String stageKey, List<Integer> windows, Optional<Path> explicitCheckpoint);

    /** The per-window next-period table and the headline from the {@code validate} or {@code test} predictions files. */
    String summary(String stageKey);

    @Override
    void close();

    /**
     * The window loop of {@code fit} (SPEC §4.3, §4.4): prints the timeline, then, holding the experiment's
     * lock throughout, asks the layout for the next window to train and trains it, until every window is
     * done or the one requested is (a requested window already done is left alone). {@code callbacks} hear
     * of the fit's start and, when it runs to its end, of its end.
     */
    static List<Integer> trainWindows(ExperimentLayout layout, ProtocolPlan plan, Integer requested, Callback callbacks,
            String modelName, Consumer<ExperimentLayout.TrainingStep> trainWindow) {
        int windows = plan.windows().size();
        List<Integer> trained = new ArrayList<>();
        Log.info("timeline: %d windows", windows);
        for (int k = 0; k < windows; k++) {
            Log.info("  %d %s", k, plan.timeline().window(k));
        }
        var fit = new Callback.FitInfo(layout.experimentFolder(), modelName, windows);
        try (ExperimentLock ignored = ExperimentLock.acquire(layout.experimentFolder())) {
            if (requested != null && layout.isDone(requested)) {
                // A requeued cluster job for one window finds it finished: nothing to do, never the next window.
                Log.info("window %d of experiment %s is already done", requested, layout.id());
                return trained;
            }
            callbacks.onFitStart(fit);
            try {
                while (true) {
                    ExperimentLayout.TrainingStep step = layout.nextTrainingStep(requested);
                    if (step.window() >= windows) {
                        Log.info("all %d windows of experiment %s are done", windows, layout.id());
                        break;
                    }
                    trainWindow.accept(step);
                    trained.add(step.window());
                    if (requested != null) {
                        break;
                    }
                }
            } catch (RuntimeException e) {
                try {
                    callbacks.onException(e);
                } catch (RuntimeException callbackFailed) {
                    e.addSuppressed(callbackFailed); // the run's own error stays the one reported
                }
                throw e;
            }
            callbacks.onFitEnd(fit);
        }
        return trained;
    }
}
