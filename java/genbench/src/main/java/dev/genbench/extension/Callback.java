package dev.genbench.extension;

import java.nio.file.Path;
import java.util.Map;

/**
 * A callback: code that watches a run without changing what the detector computes (logging, notifications,
 * copying checkpoints away), as Lightning's {@code Callback}. Named in YAML under {@code trainer.callbacks}
 * as {@code {class_path: my.Callback, init_args: {...}}} and loaded from the plug-in path ({@link Plugins});
 * the class has a public no-argument constructor, or a public constructor taking a
 * {@code Map<String, Object>} that receives its {@code init_args}. Every hook does nothing by default.
 *
 * <p>Order during {@code fit} (callbacks in the order listed, each hook once):
 * <pre>
 * onFitStart
 * for each window still to train:
 *     onWindowStart(k)
 *     for each epoch:   ... train ...; onTrainEpochEnd(k, epoch, mean loss)
 *     onCheckpointSaved(k, file)        (also for every mid-window checkpoint)
 *     ... validate ...; onValidationEnd(result)
 *     onWindowEnd(k)
 * onFitEnd                              (or, when the fit stops early, onException(error))
 * </pre>
 * {@code validate}, {@code test} and {@code predict} call {@link #onValidationEnd}, {@link #onTestEnd} or
 * {@link #onPredictEnd} once per window evaluated. Hooks run on the training thread; an exception from one
 * stops the run with an error naming the callback and the hook.
 */
public interface Callback {

    /** Before the first window of a {@code fit}. */
    default void onFitStart(FitInfo fit) {}

    /** After the last window of a {@code fit} that ran to its end. */
    default void onFitEnd(FitInfo fit) {}

    /** Before window {@code window} trains (not for a window whose training had already finished). */
    default void onWindowStart(int window) {}

    /** After each training epoch, with the mean of its batches' losses. */
    default void onTrainEpochEnd(int window, int epoch, double meanLoss) {}

    /** After a checkpoint of window {@code window} was written (atomically) to {@code file}. */
    default void onCheckpointSaved(int window, Path file) {}

    /** After a validation: the window's predictions file is written and its metrics logged. */
    default void onValidationEnd(EvaluationResult result) {}

    /** After a test, as {@link #onValidationEnd}. */
    default void onTestEnd(EvaluationResult result) {}

    /** After a predict: the predictions file is written (no metrics). */
    default void onPredictEnd(EvaluationResult result) {}

    /** After window {@code window} is validated and marked done. */
    default void onWindowEnd(int window) {}

    /**
     * When a {@code fit} stops early: on an error, or on a stop request (Ctrl-C, SIGTERM, SLURM's SIGUSR1),
     * after the checkpoint that request saves. The error is rethrown afterwards; {@link #onFitEnd} is not called.
     */
    default void onException(Throwable error) {}

    /**
     * What a fit is about.
     *
     * @param experimentFolder the experiment's data folder
     * @param modelName {@code model.init_args.model_name}
     * @param windows how many windows the protocol has
     */
    record FitInfo(Path experimentFolder, String modelName, int windows) {}

    /**
     * One evaluation's outcome.
     *
     * @param stage {@code validate}, {@code test} or {@code predict}
     * @param predictionsFile the predictions file written
     * @param metrics the values logged, by name (empty for predict), custom metrics included
     */
    record EvaluationResult(int window, String stage, Path predictionsFile, Map<String, Double> metrics) {}
}
