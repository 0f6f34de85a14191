package dev.genbench.train;

import dev.genbench.config.GenbenchConfig;
import dev.genbench.console.Progress;
import dev.genbench.console.UserError;
import dev.genbench.engine.Autograd;
import dev.genbench.engine.Backend;
import dev.genbench.engine.DType;
import dev.genbench.engine.GradMode;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.TensorScope;
import dev.genbench.engine.graph.TrainableGraph;
import dev.genbench.extension.Extensions;
import dev.genbench.extension.TrainingBatch;
import dev.genbench.image.AugmentationSeeds;
import dev.genbench.image.Batch;
import dev.genbench.image.BatchLoader;
import dev.genbench.image.ItemPipeline;
import dev.genbench.io.StateFile;
import dev.genbench.io.TensorBoardWriter;
import dev.genbench.models.TunableDetector;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Minibatch training of a whole {@link TunableDetector} on images (SPEC §7.2, §7.5): each epoch the
 * window's dataset indices (sample × replica) are shuffled, the loader decodes and augments them with
 * the training pipeline, the last incomplete batch is dropped; the graph runs in train mode (batch norm
 * on batch statistics, running statistics updated), the detection module's loss (by default BCE-with-logits
 * over the batch), backward through
 * backbone and head, and {@link TrainingSteps} does accumulation, clipping, the optimizer and OneCycleLR.
 * Also runs the detector over images in eval mode, for evaluation and feature statistics.
 */
final class TuneTrainer {
    private final Backend backend;
    private final GenbenchConfig config;
    private final long seed;
    private final Extensions extensions;

    TuneTrainer(Backend backend, GenbenchConfig config, long seed, Extensions extensions) {
        this.backend = backend;
        this.config = config;
        this.seed = seed;
        this.extensions = extensions;
    }

    /**
     * Trains for {@code epochs} epochs on window k's training samples; returns the optimizer steps taken.
     * With {@code resume}, continues where that checkpoint's training stopped ({@link TrainingSteps#resume};
     * the model's tensors, batch-norm statistics included, are the caller's to load), skipping the epoch's
     * batches it had trained: each item's augmentation is seeded by its index, so the rest are the same.
     *
     * @param labels 1 (fake) or 0 (real) per sample
     * @throws TrainingStopped after saving a checkpoint, when a stop was requested
     */
    long train(int k, TunableDetector model, SplitSamples samples, ItemPipeline pipeline, AugmentationSeeds seeds, int[] labels,
            int epochs, long loggingInitialStep, TensorBoardWriter tb, TrainingSteps.Checkpointing checkpointing,
            Optional<StateFile> resume) {
        int batch = config.data().trainBatchSize();
        long images = seeds.datasetSize(samples.size());
        long batchesPerEpoch = images / batch; // the last incomplete batch is dropped (SPEC §7.5)
        if (batchesPerEpoch == 0) {
            throw new UserError("window " + k + " has " + images + " training images (" + samples.size() + " samples x "
                    + seeds.augmentationFactor() + " replicas), fewer than one batch of data.init_args.train_batch_size " + batch
                    + "; lower the batch size");
        }
        double threshold = config.model().classificationThreshold();
        long[] all = java.util.stream.LongStream.range(0, images).toArray();
        var loaderSettings = EvaluationRecorder.loaderSettings(config, model.card(), batch, true);
        TrainableGraph graph = model.graph();
        try (TrainingSteps steps = new TrainingSteps(config.trainer(), config.model().optimizer(), config.model().scheduler(),
                model.parameters(), batchesPerEpoch, epochs, threshold, extensions, k)) {
            resume.ifPresent(saved -> steps.resume(k, saved));
            for (int epoch = steps.firstEpoch(); epoch < epochs; epoch++) {
                long firstBatch = steps.startEpoch(epoch);
                long[] order = java.util.Arrays.copyOfRange(TrainingSteps.shuffled(all, TrainingSteps.epochRng(seed, k, epoch)),
                        Math.toIntExact(firstBatch * batch), Math.toIntExact(batchesPerEpoch * batch));
                long b = firstBatch;
                graph.mode(TrainableGraph.Mode.TRAIN);
                // A seeded random part (deterministic_augmentations) differs per epoch as a fresh one would, and a
                // resumed epoch draws it again the same.
                var epochSettings = loaderSettings.freeSeed() == null ? loaderSettings
                        : loaderSettings.withFreeSeed(TrainingSteps.epochRng(loaderSettings.freeSeed(), k, epoch).nextLong());
                try (BatchLoader loader = new BatchLoader(samples, pipeline, seeds, order, epochSettings);
                        Progress progress = Progress.start("window " + k + " epoch " + epoch + " (tune)", batchesPerEpoch, "batch")) {
                    progress.step(firstBatch);
                    for (Batch next = loader.next(); next != null; next = loader.next(), b++) {
                        float[] scores;
                        float[] targets;
                        double loss;
                        try (Batch loaded = next; TensorScope scope = TensorScope.open()) {
                            if (loaded.crops() == 0) {
                                continue; // every image of this batch was skipped (on_bad_image: skip)
                            }
                            targets = targets(loaded, seeds, labels);
                            Tensor x = pixels(loaded);
                            Tensor logits = Ops.reshape(graph.forward(Map.of(model.inputName(), x)).get(TunableDetector.LOGIT),
                                    Shape.of(loaded.crops()));
                            Tensor mean = extensions.trainingLoss(new TrainingBatch(logits,
                                    Tensor.of(backend, Shape.of(targets.length), targets), null, k, epoch, b));
                            loss = mean.item();
                            Autograd.backwardAndFree(Ops.mul(mean, Ops.scalar(mean, steps.lossScale())), logits);
                            try (var off = GradMode.off()) {
                                scores = Ops.sigmoid(logits).toFloats();
                            }
                        }
                        steps.afterBatch(k, b, b == batchesPerEpoch - 1, loss, scores, targets, loggingInitialStep, tb);
                        progress.step();
                        progress.status(String.format(java.util.Locale.ROOT, "loss %.4f", loss));
                        steps.checkpointIfDue(k, checkpointing, state -> state.model(model.state(), model.stateShapes()));
                    }
                }
                steps.endEpoch(k, epoch, batchesPerEpoch, loggingInitialStep, tb);
            }
            return steps.globalStep();
        }
    }

    /**
     * Runs the detector in eval mode, without gradients, over the given dataset indices (or all when
     * null) and hands each batch's crops to {@code sink}: logits [crops], raw features [crops × D] and
     * the batch (still open).
     */
    void infer(TunableDetector model, SplitSamples samples, ItemPipeline pipeline, AugmentationSeeds seeds, long[] order, String task,
            Consumer<Scored> sink) {
        int batchSize = Math.max(1, config.data().evalBatchSize());
        var settings = EvaluationRecorder.loaderSettings(config, model.card(), batchSize, true);
        TrainableGraph graph = model.graph();
        graph.mode(TrainableGraph.Mode.EVAL);
        long total = order != null ? order.length : seeds.datasetSize(samples.size());
        try (BatchLoader loader = new BatchLoader(samples, pipeline, seeds, order, settings);
                Progress progress = Progress.start(task, total, "img");
                var off = GradMode.off()) {
            for (Batch next = loader.next(); next != null; next = loader.next()) {
                try (Batch batch = next; TensorScope scope = TensorScope.open()) {
                    if (batch.crops() > 0) {
                        Map<String, Tensor> out = graph.forward(Map.of(model.inputName(), pixels(batch)));
                        sink.accept(new Scored(batch, out.get(TunableDetector.LOGIT).toFloats(), out.get(TunableDetector.FEATURES).toFloats()));
                    }
                    progress.step(batch.images());
                }
            }
        }
    }

    /** One evaluated batch: per-crop logits and raw features, and the batch they came from. */
    record Scored(Batch batch, float[] logits, float[] features) {}

    private Tensor pixels(Batch batch) {
        long[] shape = batch.shape();
        Tensor x = Tensor.zeros(backend, DType.FP32, Shape.of(shape), null);
        x.copyFrom(batch.tensor());
        return x;
    }

    private static float[] targets(Batch batch, AugmentationSeeds seeds, int[] labels) {
        long[] indices = batch.datasetIndices();
        int[] cropToImage = batch.cropToImage();
        float[] out = new float[cropToImage.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = labels[Math.toIntExact(seeds.sampleOf(indices[cropToImage[c]]))];
        }
        return out;
    }
}
