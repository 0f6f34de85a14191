/**
 * Detection metrics, pure and knowing nothing of training: AUROC and average precision that handle
 * ties as scikit-learn does, the threshold metrics ({@code score > threshold} means fake, x/0 = 0),
 * the best-F1 threshold, the subsets they are computed on (all images, reals, each generator with its
 * paired reals, the sliding-window mechanisms), the names the original logs them under, and the
 * next-period AUROC headline (SPEC §8).
 *
 * <p>A metric without a value on some input is a {@link dev.genbench.metrics.MetricValue.NotDefined}
 * carrying the reason, never a NaN. Accumulators gather batches; everything else is a function of
 * arrays.
 */
package dev.genbench.metrics;
