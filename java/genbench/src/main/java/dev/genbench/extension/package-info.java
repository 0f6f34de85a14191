/**
 * The extension API of the detection module, the one place a user's code plugs into a run (README,
 * "Extending the detector"):
 * <ul>
 *   <li>{@link dev.genbench.extension.DetectorModule}: named by {@code model.class_path}; overrides any of the
 *       training step, optimizer and schedule, evaluation step, score fusion, extra metrics, training
 *       augmentations, evaluation views and (for {@code _probe}) the feature extractor. Every default is the
 *       built-in behaviour.
 *   <li>{@link dev.genbench.extension.Callback}: named in {@code trainer.callbacks}; watches the run.
 *   <li>{@link dev.genbench.extension.Plugins}: where those classes come from ({@code --classpath},
 *       {@code GENBENCH_PLUGINS}, {@code plugins/}).
 * </ul>
 * {@link dev.genbench.extension.Extensions} is the runs' side: {@code train} calls it and never branches on
 * whether a hook is a user's.
 *
 * <p>One window of {@code fit}, as pseudo-code (probe and tune alike; probe features come from the cache,
 * computed by {@code featureExtractor} over the {@code trainingAugmentations}/{@code evaluationCrops} views):
 * <pre>
 * callbacks.onWindowStart(k)
 * setup = module.configureOptimizers(parameters, optimizer config, scheduler, total steps, k)
 * for epoch:
 *     for batch:
 *         loss = module.trainingStep(batch)          # logits, labels → scalar tensor
 *         backward(loss / accumulate_grad_batches)
 *         at an accumulation boundary: clip, setup.optimizer().step(), zero grad, setup.schedule().step()
 *         checkpoint when due → callbacks.onCheckpointSaved(k, file)
 *     callbacks.onTrainEpochEnd(k, epoch, mean loss)
 * final checkpoint → callbacks.onCheckpointSaved(k, file)
 * for evaluation batch: scores = module.evaluationStep(batch)     # per crop
 * per image: score = module.fuseScores(crop scores)
 * built-in metrics + registered metrics → TensorBoard, log, callbacks.onValidationEnd(result)
 * callbacks.onWindowEnd(k)
 * </pre>
 */
package dev.genbench.extension;
