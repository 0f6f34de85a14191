package dev.genbench.models;

import java.nio.FloatBuffer;

/**
 * What a probe run needs of a backbone: normalised pixels in (the card's input size, layout and
 * statistics), one feature vector per image out. {@link OrtBackbone} is the built-in one; a plug-in
 * (a detection module's {@code featureExtractor} hook, dev.genbench.extension) may wrap or replace it.
 */
public interface FeatureExtractor extends AutoCloseable {

    /** The card that says what input the extractor takes (size, layout, normalisation) and its name. */
    ModelCard card();

    /** Features per image. */
    default int featureWidth() {
        return card().featureWidth();
    }

    /**
     * Runs one batch.
     *
     * @param pixels {@code batch} normalised images in the card's layout and size; a direct, native-order buffer
     * @param features receives {@code batch × featureWidth()} floats from its current position, which it advances
     */
    void run(FloatBuffer pixels, int batch, FloatBuffer features);

    @Override
    void close();
}
