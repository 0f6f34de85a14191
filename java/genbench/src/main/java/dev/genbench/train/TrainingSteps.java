package dev.genbench.train;

import dev.genbench.config.OptimizerConfig;
import dev.genbench.config.TrainerConfig;
import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.optim.Accumulation;
import dev.genbench.engine.optim.GradClip;
import dev.genbench.engine.optim.Optimizer;
import dev.genbench.extension.Callback;
import dev.genbench.extension.Extensions;
import dev.genbench.extension.LrSchedule;
import dev.genbench.extension.OptimizerContext;
import dev.genbench.extension.OptimizerSetup;
import dev.genbench.io.FaultPoints;
import dev.genbench.io.NpyArray;
import dev.genbench.io.StateFile;
import dev.genbench.io.TensorBoardWriter;
import dev.genbench.metrics.BinaryMetricsAccumulator;
import dev.genbench.metrics.EpochMetrics;
import dev.genbench.report.Throughput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The optimizer side of one window's training loop, the same for a probe head and a tuned model (SPEC
 * §7.5): the optimizer and schedule of the detection module's {@code configureOptimizers} (by default the
 * configured optimizer over the given parameters, OneCycleLR over {@code ceil(batches /
 * accumulate_grad_batches) × epochs} steps), an optimizer step at each accumulation boundary and at the
 * end of an epoch, global-norm clipping before it, the schedule stepped after it, and the step scalars the
 * original logs. Owns the optimizer's state; close it. Not thread-safe.
 *
 * <p>Also the loop's resumable state (SPEC run flow, resume): the position (epoch, next batch, optimizer
 * step), the optimizer's buffers, the schedule's step, the gradients of a half-done accumulation and what
 * the epoch has gathered so far are written into checkpoints ({@link TrainingState}) when due and read
 * back by {@link #resume}, so a resumed window ends bit-identical to one that never stopped.
 */
final class TrainingSteps implements AutoCloseable {
    private final TrainerConfig trainer;
    private final OptimizerConfig optimizerConfig;
    private final List<Tensor> parameters;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final String scheduler;
    private final Callback callbacks;
    private final int accumulate;
    private final int epochs;
    private final long batchesPerEpoch;
    private final int totalSteps;
    private final double threshold;
    private long globalStep;
    // the loop's position: the epoch in progress and its next batch
    private int epoch;
    private long nextBatch;
    // true between resume() and the resumed epoch's start: that epoch keeps what the checkpoint gathered
    private boolean resumed;
    private boolean lastStepped;
    private long lastSave = System.nanoTime();
    // the epoch in progress
    private BinaryMetricsAccumulator epochMetrics;
    private double lossSum;
    private long images;
    private long started;

    /**
     * @param threshold {@code classification_threshold}, for the training metrics
     * @param scheduler {@code model.init_args.scheduler}, for the module's {@code configureOptimizers}
     * @param k the window, for the module's {@code configureOptimizers}
     */
    TrainingSteps(TrainerConfig trainer, OptimizerConfig optimizer, String scheduler, List<Tensor> parameters, long batchesPerEpoch,
            int epochs, double threshold, Extensions extensions, int k) {
        this.trainer = trainer;
        this.threshold = threshold;
        this.optimizerConfig = optimizer;
        this.parameters = parameters;
        this.accumulate = trainer.accumulateGradBatches();
        this.epochs = epochs;
        this.batchesPerEpoch = batchesPerEpoch;
        long stepsPerEpoch = (batchesPerEpoch + accumulate - 1) / accumulate;
        this.totalSteps = Math.toIntExact(stepsPerEpoch * epochs);
        if (trainer.gradientClipVal() != null && trainer.gradientClipVal().doubleValue() > 0
                && trainer.gradientClipAlgorithm() == TrainerConfig.GradientClipAlgorithm.VALUE) {
            throw new UserError("trainer.gradient_clip_algorithm: value is not supported; use norm (or null)");
        }
        OptimizerSetup setup = extensions.configureOptimizers(new OptimizerContext(parameters, optimizer, scheduler, totalSteps, k));
        this.optimizer = setup.optimizer();
        this.schedule = setup.schedule();
        this.scheduler = scheduler == null ? "OneCycleLR" : scheduler;
        this.callbacks = extensions.callbacks();
    }

    /** What each batch's mean loss is multiplied by before backward: 1 / accumulate_grad_batches. */
    double lossScale() {
        return 1.0 / accumulate;
    }

    /**
     * At an accumulation boundary or the epoch's last batch, clips,
     * steps, clears the gradients and advances the schedule. Returns whether an optimizer step was taken.
     */
    private boolean afterBackward(long b, boolean lastOfEpoch) {
        if ((b + 1) % accumulate != 0 && !lastOfEpoch) {
            return false;
        }
        if (trainer.gradientClipVal() != null && trainer.gradientClipVal().doubleValue() > 0) {
            GradClip.clipGradNorm(parameters, trainer.gradientClipVal().doubleValue());
        }
        optimizer.step();
        optimizer.zeroGrad();
        if (globalStep < totalSteps - 1) {
            schedule.step();
        }
        globalStep++;
        return true;
    }

    /** Optimizer steps taken so far in this window. */
    long globalStep() {
        return globalStep;
    }

    /** The schedule's step count, for checkpoints that resume it. */
    int scheduleStep() {
        return schedule.stepNum();
    }

    /** The first epoch to run: 0, or the epoch a resumed checkpoint stood in. */
    int firstEpoch() {
        return epoch;
    }

    /**
     * Starts epoch {@code e}'s loss, metrics and throughput and returns its first batch: 0, or for the epoch
     * a checkpoint was resumed in, the batch after the last one it had trained (its loss and scores so far
     * kept).
     */
    long startEpoch(int e) {
        images = 0;
        started = System.nanoTime();
        if (resumed && e == epoch) {
            resumed = false;
            return nextBatch;
        }
        resumed = false;
        epoch = e;
        nextBatch = 0;
        epochMetrics = new BinaryMetricsAccumulator(threshold);
        lossSum = 0;
        return 0;
    }

    /**
     * Where checkpoints go during training and when they are due: every {@code everyNSteps} optimizer steps
     * and every {@code interval} of wall time (either may be off: 0, null), plus whenever a stop is requested.
     *
     * @param base metadata every checkpoint of this window carries (model, window, config hash)
     */
    record Checkpointing(CheckpointStore store, int everyNSteps, Duration interval, Map<String, Object> base, Callback callbacks) {
        boolean due(long globalStep, long sinceLastNanos) {
            return (everyNSteps > 0 && globalStep % everyNSteps == 0)
                    || (interval != null && !interval.isZero() && sinceLastNanos >= interval.toNanos());
        }
    }

    /**
     * Call after {@link #afterBatch}: saves the full training state when a checkpoint is due after this
     * batch's optimizer step (never after the window's last one: the window-end checkpoint follows), or at
     * once when a stop was requested, and then stops.
     *
     * @param model writes the model's tensors into the state
     * @throws TrainingStopped after saving, when a stop was requested
     */
    void checkpointIfDue(int k, Checkpointing checkpointing, Consumer<TrainingState> model) {
        var stop = StopSignals.requested();
        boolean finalStep = globalStep == totalSteps;
        if (stop.isPresent() || (lastStepped && !finalStep && checkpointing.due(globalStep, System.nanoTime() - lastSave))) {
            TrainingState state = new TrainingState(checkpointing.base());
            model.accept(state);
            Path saved = checkpointing.store().save(snapshot(state, k), epoch, globalStep);
            lastSave = System.nanoTime();
            checkpointing.callbacks().onCheckpointSaved(k, saved);
            if (stop.isPresent()) {
                throw new TrainingStopped(stop.get(), Optional.of(saved), "window " + k + " epoch " + epoch + " batch " + nextBatch);
            }
            Log.debug("window %d: checkpoint %s", k, saved);
        }
        FaultPoints.reach("train-batch");
    }

    /** The loop's state after its last batch, added to {@code state} (which holds the model already). */
    private StateFile snapshot(TrainingState state, int k) {
        state.optimizer(optimizerConfig.classPath(), optimizer);
        state.scheduler(scheduler, schedule.stepNum());
        state.pendingGradients(parameters, new Accumulation(accumulate), nextBatch);
        var accumulated = epochMetrics.contents();
        state.loop(Map.of("epoch", epoch, "next_batch", nextBatch, "global_step", globalStep, "epochs", epochs,
                "total_steps", totalSteps, "loss_sum", lossSum),
                Map.of("epoch_scores", new NpyArray.Float32(accumulated.scores(), new int[] {accumulated.scores().length}),
                        "epoch_fake", new NpyArray.Bool(accumulated.fake(), new int[] {accumulated.fake().length})));
        state.rng(Map.of("shuffle", "SplittableRandom(seed ^ 0x9E3779B97F4A7C15 * (window + 1) ^ epoch) per epoch", "window", k));
        return state.build(false);
    }

    /**
     * Continues from a mid-window checkpoint: the optimizer's buffers and counters, the schedule's step,
     * pending accumulation gradients, the loop's position and the epoch's gathered loss and scores. The
     * model's own tensors are the trainer's to load. Call before the first {@link #startEpoch}.
     */
    void resume(int k, StateFile saved) {
        Map<String, Object> loop = TrainingState.loop(saved);
        long savedTotal = ((Number) loop.get("total_steps")).longValue();
        if (savedTotal != totalSteps) {
            throw new UserError("the checkpoint was taken in a run of " + savedTotal + " optimizer steps, this one has "
                    + totalSteps + "; the data or the batch settings changed since. Start a new experiment id");
        }
        long savedNext = ((Number) loop.get("next_batch")).longValue();
        if (savedNext > batchesPerEpoch) {
            throw new UserError("the checkpoint stands at batch " + savedNext + " of an epoch that has " + batchesPerEpoch);
        }
        TrainingState.restoreOptimizer(saved, optimizer);
        schedule.restore(TrainingState.schedulerStep(saved));
        TrainingState.restorePendingGradients(saved, parameters);
        epoch = ((Number) loop.get("epoch")).intValue();
        nextBatch = savedNext;
        globalStep = ((Number) loop.get("global_step")).longValue();
        lossSum = ((Number) loop.get("loss_sum")).doubleValue();
        epochMetrics = new BinaryMetricsAccumulator(threshold);
        epochMetrics.update(saved.floats(TrainingState.LOOP + "epoch_scores"), TrainingState.booleans(saved, TrainingState.LOOP + "epoch_fake"));
        resumed = true;
        Log.info("window %d: resuming at epoch %d, batch %d of %d, optimizer step %d", k, epoch, nextBatch, batchesPerEpoch, globalStep);
    }

    /**
     * Call after batch {@code b}'s backward: counts its loss and scores into the epoch, steps when due
     * ({@link #afterBackward}) and logs the original's step scalars on the steps it logs
     * ({@code log_every_n_steps} and the epoch's last): loss, learning rate, throughput, window, step,
     * training metrics.
     *
     * @param tb where the scalars go, or null
     */
    void afterBatch(int k, long b, boolean lastOfEpoch, double loss, float[] scores, float[] targets, long loggingInitialStep,
            TensorBoardWriter tb) {
        lossSum += loss;
        images += scores.length;
        epochMetrics.update(scores, toBooleans(targets));
        nextBatch = b + 1;
        lastStepped = afterBackward(b, lastOfEpoch);
        if (!lastStepped || tb == null) {
            return;
        }
        int logEvery = trainer.logEveryNSteps() == null ? 50 : Math.max(1, trainer.logEveryNSteps());
        if (globalStep % logEvery != 0 && !lastOfEpoch) {
            return;
        }
        long logStep = loggingInitialStep + globalStep;
        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put("train_loss_step", loss);
        scalars.put("lr-" + optimizerName(), schedule.lr());
        scalars.put(Throughput.TAG, images / Math.max(seconds(), 1e-9));
        scalars.put("fit_window", (double) k);
        scalars.put("step", (double) logStep);
        scalars.putAll(EpochMetrics.loggable(EpochMetrics.fitStep(scores, toBooleans(targets), threshold)));
        tb.scalars(scalars, logStep);
    }

    /** Logs the epoch's training metrics and mean loss over its {@code batches} batches, and prints them with the throughput. */
    void endEpoch(int k, int epoch, long batches, long loggingInitialStep, TensorBoardWriter tb) {
        Map<String, Double> scalars = new LinkedHashMap<>(EpochMetrics.loggable(EpochMetrics.fitEpoch(epochMetrics.compute())));
        scalars.put("train_loss_epoch", lossSum / batches);
        if (tb != null) {
            tb.scalars(scalars, loggingInitialStep + globalStep);
        }
        Log.info("window %d epoch %d: train loss %.4f over %d batches, %.1f s (%.1f img/s)", k, epoch, lossSum / batches, batches,
                seconds(), images / Math.max(seconds(), 1e-9));
        callbacks.onTrainEpochEnd(k, epoch, lossSum / batches);
    }

    private double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    private String optimizerName() {
        String cp = optimizerConfig.classPath();
        return cp.substring(cp.lastIndexOf('.') + 1);
    }

    /** A Fisher-Yates shuffle of {@code values} with {@code rng}. */
    static long[] shuffled(long[] values, SplittableRandom rng) {
        long[] out = values.clone();
        for (int i = out.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    /** Window k's epoch order: the same seed, window and epoch always give the same shuffle. */
    static SplittableRandom epochRng(long seed, int k, int epoch) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (k + 1)) ^ epoch);
    }

    private static boolean[] toBooleans(float[] targets) {
        boolean[] out = new boolean[targets.length];
        for (int i = 0; i < targets.length; i++) {
            out[i] = targets[i] > 0.5f;
        }
        return out;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
