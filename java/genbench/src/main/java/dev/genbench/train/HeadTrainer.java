package dev.genbench.train;

import dev.genbench.config.ConfigBinder;
import dev.genbench.config.OptimizerConfig;
import dev.genbench.config.TrainerConfig;
import dev.genbench.console.Log;
import dev.genbench.console.Progress;
import dev.genbench.console.UserError;
import dev.genbench.engine.Autograd;
import dev.genbench.engine.Backend;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.TensorScope;
import dev.genbench.engine.optim.Accumulation;
import dev.genbench.engine.optim.GradClip;
import dev.genbench.engine.optim.OneCycleLR;
import dev.genbench.engine.optim.Optimizer;
import dev.genbench.engine.optim.Optimizers;
import dev.genbench.io.FaultPoints;
import dev.genbench.io.NpyArray;
import dev.genbench.io.StateFile;
import dev.genbench.io.TensorBoardWriter;
import dev.genbench.metrics.BinaryMetricsAccumulator;
import dev.genbench.metrics.EpochMetrics;
import dev.genbench.models.FeatureCache;
import dev.genbench.models.LinearHead;
import dev.genbench.report.Throughput;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Minibatch training of a probe head on cached features, with the original's loop semantics (SPEC §7.5):
 * shuffled batches with the last incomplete one dropped, BCE-with-logits averaged over the batch and
 * divided by {@code accumulate_grad_batches}, clipping of the global gradient norm, an optimizer step at
 * each accumulation boundary and at the end of the epoch, OneCycleLR stepped after each optimizer step.
 * Not thread-safe; one per window.
 */
final class HeadTrainer {

    /** What the loop needs from the configuration. */
    record Settings(TrainerConfig trainer, int batchSize, int replicas, OptimizerConfig optimizer, double threshold, long seed) {}

    private final Backend backend;
    private final Settings settings;

    HeadTrainer(Backend backend, Settings settings) {
        this.backend = backend;
        this.settings = settings;
    }

    /**
     * Where checkpoints go during training and when they are due: every {@code everyNSteps} optimizer
     * steps and every {@code interval} of wall time (either may be off), plus whenever a stop is requested.
     *
     * @param base metadata every checkpoint of this window carries (model, window, config hash)
     */
    record Checkpointing(CheckpointStore store, int everyNSteps, java.time.Duration interval, Map<String, Object> base) {
        boolean due(long globalStep, long sinceLastNanos) {
            return (everyNSteps > 0 && globalStep % everyNSteps == 0)
                    || (interval != null && !interval.isZero() && sinceLastNanos >= interval.toNanos());
        }
    }

    /**
     * Trains {@code head} for {@code epochs} epochs on the filled rows of {@code cache} (row = sample ·
     * replicas + replica) and returns the optimizer steps taken. With {@code resume}, continues exactly
     * where that checkpoint's training stopped: same batches, same optimizer, schedule and accumulation
     * state, so the result is bit-identical to a run that never stopped.
     *
     * @param labels 1 (fake) or 0 (real) per sample
     * @param tb where step and epoch scalars go, or null
     * @throws TrainingStopped after saving a checkpoint, when a stop was requested
     */
    public long train(int k, LinearHead head, FeatureCache cache, int[] labels, int epochs, long loggingInitialStep,
            TensorBoardWriter tb, Checkpointing checkpointing, java.util.Optional<StateFile> resume) {
        TrainerConfig trainer = settings.trainer();
        int batch = settings.batchSize();
        int replicas = settings.replicas();
        long rows = cache.spec().rows();
        long[] filled = java.util.stream.LongStream.range(0, rows).filter(cache::isFilled).toArray();
        long batchesPerEpoch = filled.length / batch; // the last incomplete batch is dropped (SPEC §7.5)
        if (batchesPerEpoch == 0) {
            throw new UserError("window " + k + " has " + filled.length + " training images (" + filled.length / replicas
                    + " samples x " + replicas + " replicas), fewer than one batch of data.init_args.train_batch_size "
                    + batch + "; lower the batch size");
        }
        var accumulation = new Accumulation(trainer.accumulateGradBatches());
        long stepsPerEpoch = accumulation.stepsPerEpoch(batchesPerEpoch);
        int totalSteps = Math.toIntExact(stepsPerEpoch * epochs);
        Map<String, Object> optimizerArgs = initArgs(settings.optimizer());
        int width = head.width();
        float[] features = new float[batch * width];
        float[] targets = new float[batch];
        try (Optimizer optimizer = Optimizers.create(settings.optimizer().classPath(), optimizerArgs, head.parameters())) {
            OneCycleLR schedule = new OneCycleLR(optimizer, OneCycleLR.Config.defaults(settings.optimizer().lr(), totalSteps));
            var loop = new LoopState(0, 0, 0, 0, new BinaryMetricsAccumulator(settings.threshold()));
            if (resume.isPresent()) {
                loop = restore(resume.get(), head, optimizer, schedule, totalSteps, batchesPerEpoch);
                Log.info("window %d: resuming at epoch %d, batch %d of %d, optimizer step %d", k, loop.epoch, loop.nextBatch,
                        batchesPerEpoch, loop.globalStep);
            }
            long lastSave = System.nanoTime();
            for (int epoch = Math.toIntExact(loop.epoch); epoch < epochs; epoch++) {
                long[] order = shuffled(filled, new SplittableRandom(shuffleSeed(k, epoch)));
                if (epoch > loop.epoch) {
                    loop = new LoopState(epoch, 0, loop.globalStep, 0, new BinaryMetricsAccumulator(settings.threshold()));
                }
                long started = System.nanoTime();
                long firstBatch = loop.nextBatch;
                try (Progress progress = Progress.start("window " + k + " epoch " + epoch, batchesPerEpoch, "batch")) {
                    progress.step(firstBatch);
                    for (long b = firstBatch; b < batchesPerEpoch; b++) {
                        for (int i = 0; i < batch; i++) {
                            long row = order[Math.toIntExact(b * batch + i)];
                            cache.get(row, features, i * width);
                            targets[i] = labels[Math.toIntExact(row / replicas)];
                        }
                        head.standardize(features, batch);
                        float[] scores;
                        double loss;
                        try (var scope = TensorScope.open()) {
                            Tensor x = Tensor.of(backend, Shape.of(batch, width), features);
                            Tensor y = Tensor.of(backend, Shape.of(batch), targets);
                            Tensor logits = head.logits(x);
                            Tensor mean = Ops.bceWithLogits(logits, y, true);
                            loss = mean.toFloats()[0];
                            Autograd.backward(Ops.mul(mean, Ops.scalar(mean, accumulation.lossScale())));
                            scores = Ops.sigmoid(logits).toFloats();
                        }
                        loop.lossSum += loss;
                        loop.accumulator.update(scores, toBooleans(targets));
                        boolean lastOfEpoch = b == batchesPerEpoch - 1;
                        boolean stepped = accumulation.stepsAfter(b, lastOfEpoch);
                        if (stepped) {
                            if (trainer.gradientClipVal() != null && trainer.gradientClipVal().doubleValue() > 0) {
                                if (trainer.gradientClipAlgorithm() == TrainerConfig.GradientClipAlgorithm.VALUE) {
                                    throw new UserError("trainer.gradient_clip_algorithm: value is not supported; use norm (or null)");
                                }
                                GradClip.clipGradNorm(head.parameters(), trainer.gradientClipVal().doubleValue());
                            }
                            optimizer.step();
                            optimizer.zeroGrad();
                            if (loop.globalStep < totalSteps - 1) {
                                schedule.step();
                            }
                            loop.globalStep++;
                            int logEvery = trainer.logEveryNSteps() == null ? 50 : Math.max(1, trainer.logEveryNSteps());
                            if (loop.globalStep % logEvery == 0 || lastOfEpoch) {
                                long logStep = loggingInitialStep + loop.globalStep;
                                double seconds = (System.nanoTime() - started) / 1e9;
                                Map<String, Double> scalars = new LinkedHashMap<>();
                                scalars.put("train_loss_step", loss);
                                scalars.put("lr-" + optimizerName(), schedule.lr());
                                scalars.put(Throughput.TAG, (b + 1 - firstBatch) * batch / Math.max(seconds, 1e-9));
                                scalars.put("fit_window", (double) k);
                                scalars.put("step", (double) logStep);
                                scalars.putAll(EpochMetrics.loggable(EpochMetrics.fitStep(scores, toBooleans(targets),
                                        settings.threshold())));
                                if (tb != null) {
                                    tb.scalars(scalars, logStep);
                                }
                            }
                        }
                        loop.nextBatch = b + 1;
                        progress.step();
                        progress.status(String.format(java.util.Locale.ROOT, "loss %.4f", loss));
                        var stop = StopSignals.requested();
                        boolean finalStep = loop.globalStep == totalSteps;
                        if (stop.isPresent() || (stepped && !finalStep
                                && checkpointing.due(loop.globalStep, System.nanoTime() - lastSave))) {
                            Path saved = checkpointing.store().save(snapshot(k, head, optimizer, schedule, loop, accumulation,
                                    epochs, totalSteps, checkpointing.base()), epoch, loop.globalStep);
                            lastSave = System.nanoTime();
                            if (stop.isPresent()) {
                                throw new TrainingStopped(stop.get(), java.util.Optional.of(saved),
                                        "window " + k + " epoch " + epoch + " batch " + (b + 1));
                            }
                            Log.debug("window %d: checkpoint %s", k, saved);
                        }
                        FaultPoints.reach("train-batch");
                    }
                }
                Map<String, Double> epochScalars = new LinkedHashMap<>(EpochMetrics.loggable(
                        EpochMetrics.fitEpoch(loop.accumulator.compute())));
                epochScalars.put("train_loss_epoch", loop.lossSum / batchesPerEpoch);
                if (tb != null) {
                    tb.scalars(epochScalars, loggingInitialStep + loop.globalStep);
                }
                Log.info("window %d epoch %d: train loss %.4f over %d batches", k, epoch, loop.lossSum / batchesPerEpoch, batchesPerEpoch);
            }
            return loop.globalStep;
        }
    }

    /** The loop's position and what the epoch has gathered so far; mutable, owned by one {@link #train} call. */
    private static final class LoopState {
        final long epoch;
        long nextBatch;
        long globalStep;
        double lossSum;
        final BinaryMetricsAccumulator accumulator;

        LoopState(long epoch, long nextBatch, long globalStep, double lossSum, BinaryMetricsAccumulator accumulator) {
            this.epoch = epoch;
            this.nextBatch = nextBatch;
            this.globalStep = globalStep;
            this.lossSum = lossSum;
            this.accumulator = accumulator;
        }
    }

    /** The seed of epoch {@code epoch}'s shuffle in window {@code k}: the only randomness of the loop. */
    private long shuffleSeed(int k, int epoch) {
        return settings.seed() ^ (0x9E3779B97F4A7C15L * (k + 1)) ^ epoch;
    }

    /** The full training state after the loop's last batch, in the format {@link TrainingState} describes. */
    private StateFile snapshot(int k, LinearHead head, Optimizer optimizer, OneCycleLR schedule, LoopState loop,
            Accumulation accumulation, int epochs, int totalSteps, Map<String, Object> base) {
        TrainingState state = new TrainingState(base);
        state.model(head.state());
        state.optimizer(settings.optimizer().classPath(), optimizer);
        state.scheduler("OneCycleLR", schedule.stepNum());
        state.pendingGradients(head.parameters(), accumulation, loop.nextBatch);
        var accumulated = loop.accumulator.contents();
        state.loop(Map.of("epoch", loop.epoch, "next_batch", loop.nextBatch, "global_step", loop.globalStep, "epochs", epochs,
                "total_steps", totalSteps, "loss_sum", loop.lossSum),
                Map.of("epoch_scores", new NpyArray.Float32(accumulated.scores(), new int[] {accumulated.scores().length}),
                        "epoch_fake", new NpyArray.Bool(accumulated.fake(), new int[] {accumulated.fake().length})));
        state.rng(Map.of("shuffle", "SplittableRandom(seed ^ 0x9E3779B97F4A7C15 * (window + 1) ^ epoch) per epoch",
                "seed", settings.seed(), "window", k));
        return state.build(false);
    }

    private LoopState restore(StateFile saved, LinearHead head, Optimizer optimizer, OneCycleLR schedule, int totalSteps,
            long batchesPerEpoch) {
        Map<String, Object> loopMeta = TrainingState.loop(saved);
        long savedTotal = ((Number) loopMeta.get("total_steps")).longValue();
        if (savedTotal != totalSteps) {
            throw new UserError("the checkpoint was taken in a run of " + savedTotal + " optimizer steps, this one has "
                    + totalSteps + "; the data or the batch settings changed since. Start a new experiment id");
        }
        TrainingState.restoreOptimizer(saved, optimizer);
        schedule.restore(TrainingState.schedulerStep(saved));
        long nextBatch = ((Number) loopMeta.get("next_batch")).longValue();
        if (nextBatch > batchesPerEpoch) {
            throw new UserError("the checkpoint stands at batch " + nextBatch + " of an epoch that has " + batchesPerEpoch);
        }
        TrainingState.restorePendingGradients(saved, head.parameters());
        var accumulator = new BinaryMetricsAccumulator(settings.threshold());
        accumulator.update(saved.floats(TrainingState.LOOP + "epoch_scores"), TrainingState.booleans(saved, TrainingState.LOOP + "epoch_fake"));
        return new LoopState(((Number) loopMeta.get("epoch")).longValue(), nextBatch,
                ((Number) loopMeta.get("global_step")).longValue(), ((Number) loopMeta.get("loss_sum")).doubleValue(), accumulator);
    }

    private String optimizerName() {
        String cp = settings.optimizer().classPath();
        return cp.substring(cp.lastIndexOf('.') + 1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> initArgs(dev.genbench.config.OptimizerConfig optimizer) {
        var plain = (Map<String, Object>) ConfigBinder.toPlain(optimizer);
        return (Map<String, Object>) plain.getOrDefault("init_args", Map.of());
    }

    private static long[] shuffled(long[] values, SplittableRandom rng) {
        long[] out = values.clone();
        for (int i = out.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    private static boolean[] toBooleans(float[] targets) {
        boolean[] out = new boolean[targets.length];
        for (int i = 0; i < targets.length; i++) {
            out[i] = targets[i] > 0.5f;
        }
        return out;
    }
}
