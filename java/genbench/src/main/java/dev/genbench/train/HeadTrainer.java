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
import dev.genbench.engine.optim.GradClip;
import dev.genbench.engine.optim.OneCycleLR;
import dev.genbench.engine.optim.Optimizer;
import dev.genbench.engine.optim.Optimizers;
import dev.genbench.io.TensorBoardWriter;
import dev.genbench.metrics.BinaryMetricsAccumulator;
import dev.genbench.metrics.EpochMetrics;
import dev.genbench.models.FeatureCache;
import dev.genbench.models.LinearHead;
import dev.genbench.report.Throughput;
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
     * Trains {@code head} for {@code epochs} epochs on the filled rows of {@code cache} (row = sample ·
     * replicas + replica) and returns the optimizer steps taken.
     *
     * @param labels 1 (fake) or 0 (real) per sample
     * @param tb where step and epoch scalars go, or null
     */
    public long train(int k, LinearHead head, FeatureCache cache, int[] labels, int epochs, long loggingInitialStep,
            TensorBoardWriter tb) {
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
        int accumulate = trainer.accumulateGradBatches();
        long stepsPerEpoch = (batchesPerEpoch + accumulate - 1) / accumulate;
        int totalSteps = Math.toIntExact(stepsPerEpoch * epochs);
        Map<String, Object> optimizerArgs = initArgs(settings.optimizer());
        int width = head.width();
        float[] features = new float[batch * width];
        float[] targets = new float[batch];
        long globalStep = 0;
        try (Optimizer optimizer = Optimizers.create(settings.optimizer().classPath(), optimizerArgs, head.parameters())) {
            OneCycleLR schedule = new OneCycleLR(optimizer, OneCycleLR.Config.defaults(settings.optimizer().lr(), totalSteps));
            for (int epoch = 0; epoch < epochs; epoch++) {
                long[] order = shuffled(filled, new SplittableRandom(settings.seed() ^ (0x9E3779B97F4A7C15L * (k + 1)) ^ epoch));
                var epochAccumulator = new BinaryMetricsAccumulator(settings.threshold());
                long started = System.nanoTime();
                double lossSum = 0;
                try (Progress progress = Progress.start("window " + k + " epoch " + epoch, batchesPerEpoch, "batch")) {
                    for (long b = 0; b < batchesPerEpoch; b++) {
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
                            Autograd.backward(Ops.mul(mean, Ops.scalar(mean, 1.0 / accumulate)));
                            scores = Ops.sigmoid(logits).toFloats();
                        }
                        lossSum += loss;
                        epochAccumulator.update(scores, toBooleans(targets));
                        boolean lastOfEpoch = b == batchesPerEpoch - 1;
                        if ((b + 1) % accumulate == 0 || lastOfEpoch) {
                            if (trainer.gradientClipVal() != null && trainer.gradientClipVal().doubleValue() > 0) {
                                if (trainer.gradientClipAlgorithm() == TrainerConfig.GradientClipAlgorithm.VALUE) {
                                    throw new UserError("trainer.gradient_clip_algorithm: value is not supported; use norm (or null)");
                                }
                                GradClip.clipGradNorm(head.parameters(), trainer.gradientClipVal().doubleValue());
                            }
                            optimizer.step();
                            optimizer.zeroGrad();
                            if (globalStep < totalSteps - 1) {
                                schedule.step();
                            }
                            globalStep++;
                            int logEvery = trainer.logEveryNSteps() == null ? 50 : Math.max(1, trainer.logEveryNSteps());
                            if (globalStep % logEvery == 0 || lastOfEpoch) {
                                long logStep = loggingInitialStep + globalStep;
                                double seconds = (System.nanoTime() - started) / 1e9;
                                Map<String, Double> scalars = new LinkedHashMap<>();
                                scalars.put("train_loss_step", loss);
                                scalars.put("lr-" + optimizerName(), schedule.lr());
                                scalars.put(Throughput.TAG, (b + 1) * batch / Math.max(seconds, 1e-9));
                                scalars.put("fit_window", (double) k);
                                scalars.put("step", (double) logStep);
                                scalars.putAll(EpochMetrics.loggable(EpochMetrics.fitStep(scores, toBooleans(targets),
                                        settings.threshold())));
                                if (tb != null) {
                                    tb.scalars(scalars, logStep);
                                }
                            }
                        }
                        progress.step();
                        progress.status(String.format(java.util.Locale.ROOT, "loss %.4f", loss));
                    }
                }
                Map<String, Double> epochScalars = new LinkedHashMap<>(EpochMetrics.loggable(
                        EpochMetrics.fitEpoch(epochAccumulator.compute())));
                epochScalars.put("train_loss_epoch", lossSum / batchesPerEpoch);
                if (tb != null) {
                    tb.scalars(epochScalars, loggingInitialStep + globalStep);
                }
                Log.info("window %d epoch %d: train loss %.4f over %d batches in %.3f s (from the feature cache)", k, epoch,
                        lossSum / batchesPerEpoch, batchesPerEpoch, (System.nanoTime() - started) / 1e9);
            }
        }
        return globalStep;
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
