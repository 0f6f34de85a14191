package dev.genbench.extension;

import dev.genbench.engine.Tensor;

/**
 * One training batch as {@link DetectorModule#trainingStep} sees it. The tensors live in the batch's
 * tensor scope and are freed after the step: keep none of them.
 *
 * @param logits the head's logits, shape [B], recorded for backward
 * @param labels 1 for fake, 0 for real, shape [B] (FP32)
 * @param features the inputs of the head ([B, D], the standardised features of a {@code _probe} run), or
 *     null in a {@code _tune} run, where the head's input is inside the trained graph
 * @param window the window being trained (0-based)
 * @param epoch the epoch within the window
 * @param batchIndex the batch within the epoch
 */
public record TrainingBatch(Tensor logits, Tensor labels, Tensor features, int window, int epoch, long batchIndex) {}
