package dev.genbench.train;

import dev.genbench.config.OptimizerConfig;
import dev.genbench.config.TrainerConfig;
import dev.genbench.console.Progress;
import dev.genbench.console.UserError;
import dev.genbench.engine.Autograd;
import dev.genbench.engine.Backend;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.TensorScope;
import dev.genbench.extension.Extensions;
import dev.genbench.extension.TrainingBatch;
import dev.genbench.io.StateFile;
import dev.genbench.io.TensorBoardWriter;
import dev.genbench.models.FeatureCache;
import dev.genbench.models.LinearHead;
import java.util.Optional;

/**
 * Minibatch training of a probe head on cached features, with the original's loop semantics (SPEC §7.5):
 * shuffled batches with the last incomplete one dropped, the detection module's loss (by default
 * BCE-with-logits averaged over the batch) divided by {@code accumulate_grad_batches}, clipping of the
 * global gradient norm, an optimizer step at each accumulation boundary and at the end of the epoch, the
 * schedule (by default OneCycleLR) stepped after each optimizer step.
 * Not thread-safe; one per window.
 */
final class HeadTrainer {

    /** What the loop needs from the configuration. */
    record Settings(TrainerConfig trainer, int batchSize, int replicas, OptimizerConfig optimizer, String scheduler, double threshold,
            long seed) {}

    private final Backend backend;
    private final Settings settings;
    private final Extensions extensions;

    HeadTrainer(Backend backend, Settings settings, Extensions extensions) {
        this.backend = backend;
        this.settings = settings;
        this.extensions = extensions;
    }

    /**
     * Trains {@code head} for {@code epochs} epochs on the filled rows of {@code cache} (row = sample ·
     * replicas + replica) and returns the optimizer steps taken. With {@code resume}, continues exactly
     * where that checkpoint's training stopped ({@link TrainingSteps#resume}; the head's weights are the
     * caller's to load): same batches, same optimizer, schedule and accumulation state, so the result is
     * bit-identical to a run that never stopped.
     *
     * @param labels 1 (fake) or 0 (real) per sample
     * @param tb where step and epoch scalars go, or null
     * @throws TrainingStopped after saving a checkpoint, when a stop was requested
     */
    public long train(int k, LinearHead head, FeatureCache cache, int[] labels, int epochs, long loggingInitialStep,
            TensorBoardWriter tb, TrainingSteps.Checkpointing checkpointing, Optional<StateFile> resume) {
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
        int width = head.width();
        float[] features = new float[batch * width];
        float[] targets = new float[batch];
        try (TrainingSteps steps = new TrainingSteps(trainer, settings.optimizer(), settings.scheduler(), head.parameters(),
                batchesPerEpoch, epochs, settings.threshold(), extensions, k)) {
            resume.ifPresent(saved -> steps.resume(k, saved));
            for (int epoch = steps.firstEpoch(); epoch < epochs; epoch++) {
                long[] order = TrainingSteps.shuffled(filled, TrainingSteps.epochRng(settings.seed(), k, epoch));
                long firstBatch = steps.startEpoch(epoch);
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
                            Tensor mean = extensions.trainingLoss(new TrainingBatch(logits, y, x, k, epoch, b));
                            loss = mean.toFloats()[0];
                            Autograd.backward(Ops.mul(mean, Ops.scalar(mean, steps.lossScale())));
                            scores = Ops.sigmoid(logits).toFloats();
                        }
                        steps.afterBatch(k, b, b == batchesPerEpoch - 1, loss, scores, targets, loggingInitialStep, tb);
                        progress.step();
                        progress.status(String.format(java.util.Locale.ROOT, "loss %.4f", loss));
                        steps.checkpointIfDue(k, checkpointing, state -> state.model(head.state()));
                    }
                }
                steps.endEpoch(k, epoch, batchesPerEpoch, loggingInitialStep, tb);
            }
            return steps.globalStep();
        }
    }

}
