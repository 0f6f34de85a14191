package dev.genbench.extension;

import dev.genbench.console.UserError;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The configured callbacks as one: each hook calls them in the order {@code trainer.callbacks} lists
 * them, and turns a failure into an error naming the callback and the hook. Not thread-safe.
 */
final class Callbacks implements Callback {
    private final List<Callback> callbacks;

    Callbacks(List<Callback> callbacks) {
        this.callbacks = List.copyOf(callbacks);
    }

    private void each(String hook, Consumer<Callback> call) {
        for (Callback c : callbacks) {
            try {
                call.accept(c);
            } catch (UserError e) {
                throw e;
            } catch (RuntimeException e) {
                throw new UserError("callback " + c.getClass().getName() + " failed in " + hook + ": " + e, e);
            }
        }
    }

    @Override public void onFitStart(FitInfo fit) { each("onFitStart", c -> c.onFitStart(fit)); }
    @Override public void onFitEnd(FitInfo fit) { each("onFitEnd", c -> c.onFitEnd(fit)); }
    @Override public void onWindowStart(int window) { each("onWindowStart", c -> c.onWindowStart(window)); }
    @Override public void onTrainEpochEnd(int window, int epoch, double meanLoss) {
        each("onTrainEpochEnd", c -> c.onTrainEpochEnd(window, epoch, meanLoss));
    }
    @Override public void onCheckpointSaved(int window, Path file) { each("onCheckpointSaved", c -> c.onCheckpointSaved(window, file)); }
    @Override public void onValidationEnd(EvaluationResult result) { each("onValidationEnd", c -> c.onValidationEnd(result)); }
    @Override public void onTestEnd(EvaluationResult result) { each("onTestEnd", c -> c.onTestEnd(result)); }
    @Override public void onPredictEnd(EvaluationResult result) { each("onPredictEnd", c -> c.onPredictEnd(result)); }
    @Override public void onWindowEnd(int window) { each("onWindowEnd", c -> c.onWindowEnd(window)); }
    @Override public void onException(Throwable error) { each("onException", c -> c.onException(error)); }
}
