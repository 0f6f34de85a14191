package dev.genbench.train;

import dev.genbench.config.ConfigBinder;
import dev.genbench.config.OptimizerConfig;
import dev.genbench.config.TrainerConfig;
import dev.genbench.console.UserError;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.optim.GradClip;
import dev.genbench.engine.optim.OneCycleLR;
import dev.genbench.engine.optim.Optimizer;
import dev.genbench.engine.optim.Optimizers;
import dev.genbench.metrics.EpochMetrics;
import dev.genbench.report.Throughput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The optimizer side of one window's training loop, the same for a probe head and a tuned model (SPEC
 * §7.5): the configured optimizer over the given parameters, OneCycleLR over {@code ceil(batches /
 * accumulate_grad_batches) × epochs} steps, an optimizer step at each accumulation boundary and at the
 * end of an epoch, global-norm clipping before it, the schedule stepped after it, and the step scalars the
 * original logs. Owns the optimizer's state; close it. Not thread-safe.
 */
final class TrainingSteps implements AutoCloseable {
    private final TrainerConfig trainer;
    private final OptimizerConfig optimizerConfig;
    private final List<Tensor> parameters;
    private final Optimizer optimizer;
    private final OneCycleLR schedule;
    private final int accumulate;
    private final int totalSteps;
    private long globalStep;

    TrainingSteps(TrainerConfig trainer, OptimizerConfig optimizer, List<Tensor> parameters, long batchesPerEpoch, int epochs) {
        this.trainer = trainer;
        this.optimizerConfig = optimizer;
        this.parameters = parameters;
        this.accumulate = trainer.accumulateGradBatches();
        long stepsPerEpoch = (batchesPerEpoch + accumulate - 1) / accumulate;
        this.totalSteps = Math.toIntExact(stepsPerEpoch * epochs);
        if (trainer.gradientClipVal() != null && trainer.gradientClipVal().doubleValue() > 0
                && trainer.gradientClipAlgorithm() == TrainerConfig.GradientClipAlgorithm.VALUE) {
            throw new UserError("trainer.gradient_clip_algorithm: value is not supported; use norm (or null)");
        }
        this.optimizer = Optimizers.create(optimizer.classPath(), initArgs(optimizer), parameters);
        this.schedule = new OneCycleLR(this.optimizer, OneCycleLR.Config.defaults(optimizer.lr(), totalSteps));
    }

    /** What each batch's mean loss is multiplied by before backward: 1 / accumulate_grad_batches. */
    double lossScale() {
        return 1.0 / accumulate;
    }

    /**
     * Call after batch {@code b}'s backward: at an accumulation boundary or the epoch's last batch, clips,
     * steps, clears the gradients and advances the schedule. Returns whether an optimizer step was taken.
     */
    boolean afterBackward(long b, boolean lastOfEpoch) {
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

    /** Whether the step just taken is one the original logs ({@code log_every_n_steps}, and the epoch's last). */
    boolean logsNow(boolean lastOfEpoch) {
        int logEvery = trainer.logEveryNSteps() == null ? 50 : Math.max(1, trainer.logEveryNSteps());
        return globalStep % logEvery == 0 || lastOfEpoch;
    }

    /** The original's step scalars after a step: loss, learning rate, throughput, window, step, training metrics. */
    Map<String, Double> stepScalars(int k, double loss, double imagesPerSecond, long logStep, float[] scores, float[] targets,
            double threshold) {
        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put("train_loss_step", loss);
        scalars.put("lr-" + optimizerName(), schedule.lr());
        scalars.put(Throughput.TAG, imagesPerSecond);
        scalars.put("fit_window", (double) k);
        scalars.put("step", (double) logStep);
        scalars.putAll(EpochMetrics.loggable(EpochMetrics.fitStep(scores, toBooleans(targets), threshold)));
        return scalars;
    }

    private String optimizerName() {
        String cp = optimizerConfig.classPath();
        return cp.substring(cp.lastIndexOf('.') + 1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> initArgs(OptimizerConfig optimizer) {
        var plain = (Map<String, Object>) ConfigBinder.toPlain(optimizer);
        return (Map<String, Object>) plain.getOrDefault("init_args", Map.of());
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

    static boolean[] toBooleans(float[] targets) {
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
