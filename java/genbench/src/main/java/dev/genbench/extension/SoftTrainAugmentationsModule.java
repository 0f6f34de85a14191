package dev.genbench.extension;

/**
 * A detection module built on the original's {@code SoftTrainAugmentationsModel} rather than on
 * {@code BaseDeepfakeDetectionModel}: the same detector, whose deterministic training augmentations are
 * the evaluation distortions (SPEC §6.3). Implement this instead of {@link DetectorModule} to keep them:
 * {@link #trainingAugmentations} then receives the soft steps as its {@code standard}, and a module that
 * does not change them shares the built-in soft model's feature caches.
 */
public interface SoftTrainAugmentationsModule extends DetectorModule {}
