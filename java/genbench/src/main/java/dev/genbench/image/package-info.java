/**
 * Images: OpenCV decoding that matches the original's PIL loader, the benchmark's mandatory preprocessing
 * and the model-side augmentations (SPEC §5, §6), cropping strategies, normalised tensors written
 * off-heap, and the pipelined {@link dev.genbench.image.BatchLoader}.
 *
 * <p>Entry points for other rooms:
 * <ul>
 *   <li>{@link dev.genbench.image.ImageDecoder}: bytes → 8-bit RGB {@code Mat}, with clear errors;</li>
 *   <li>{@link dev.genbench.image.EvaluationPipeline} / {@link dev.genbench.image.TrainingPipeline}: the
 *       per-item chains, configured by {@code maximum_processing_size},
 *       {@link dev.genbench.image.EvaluationCropping} / {@link dev.genbench.image.TrainingCropping} and
 *       the model input size;</li>
 *   <li>{@link dev.genbench.image.AugmentationSeeds} + {@link dev.genbench.image.SeededRng}: the seed of
 *       each (sample, replica) and the one random stream its pipeline draws from;</li>
 *   <li>{@link dev.genbench.image.BatchLoader} over a {@link dev.genbench.image.SampleSource}, configured by
 *       {@link dev.genbench.image.LoaderSettings}; {@link dev.genbench.image.ImageBench} times it.</li>
 * </ul>
 *
 * <p>The package spans two modules: the evaluation path (decoder, mandatory preprocessing and its steps, crops,
 * {@link dev.genbench.image.EvaluationPipeline}, normalisation, {@link dev.genbench.image.TensorWriter}) lives in
 * {@code java/imaging}, which the standalone detector shares, so both run the same code; the loader and the
 * training-only augmentations live here.
 *
 * <p>Every OpenCV {@code Mat} is owned by exactly one piece of code and closed by it (try-with-resources or
 * {@link dev.genbench.image.OpChain}); nothing waits for the garbage collector. Knows nothing of models or
 * the protocol.
 */
package dev.genbench.image;

