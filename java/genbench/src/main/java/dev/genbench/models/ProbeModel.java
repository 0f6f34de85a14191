package dev.genbench.models;

/**
 * The extension point of a {@code _probe} model: a user class named by {@code model.class_path} and loaded
 * from a plug-ins jar ({@link Plugins}). It needs a public no-argument constructor; every method has the
 * built-in behaviour as its default, so a plug-in overrides only what it changes.
 *
 * <p>Example: a plug-in that L2-normalises the card backbone's features before the head sees them
 * (README, "Plug-ins").
 */
public interface ProbeModel {

    /** The built-in model ({@code algorithms.BaseDeepfakeDetectionModel} and its aliases). */
    ProbeModel STANDARD = new ProbeModel() {};

    /**
     * The feature extractor the run uses, given the card's backbone on ONNX Runtime. The default returns it
     * as is; a plug-in may wrap it (transform or extend its features) or replace it. What it returns is
     * closed by the run (close the given backbone from it when wrapping).
     */
    default FeatureExtractor featureExtractor(FeatureExtractor cardBackbone) {
        return cardBackbone;
    }

    /**
     * Part of the feature cache's key, so features of different extractors never mix: change it whenever
     * what {@link #featureExtractor} computes changes. Default: the class name.
     */
    default String cacheKey() {
        return getClass().getName();
    }
}
