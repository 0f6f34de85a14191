package dev.genbench.extension;

import dev.genbench.image.EvaluationPipeline;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The views a detector scores for one evaluation image, taken after the mandatory evaluation preprocessing
 * ({@link DetectorModule#evaluationCrops}). Each view must have the model's input size (unless the
 * strategy is {@code as_is}); their scores are fused into the image's score ({@link DetectorModule#fuseScores}).
 * Called by the loader's workers concurrently: implementations must be thread-safe (stateless is easiest).
 */
public interface EvaluationCrops {

    /** The views of {@code image}, which stays the caller's; the views are the caller's to close. */
    List<Mat> crops(Mat image);

    /** The most views one image yields: the feature cache keeps this many rows per image. */
    int maxCrops();

    /**
     * What the views are, for the feature cache key: two strategies with the same key must give the same
     * views. Include your settings.
     */
    String key();

    /** The built-in strategy of {@code pipeline} ({@code evaluation_cropping_strategy}, model input size). */
    static EvaluationCrops of(EvaluationPipeline pipeline) {
        return new EvaluationCrops() {
            @Override public List<Mat> crops(Mat image) { return pipeline.crops(image); }
            @Override public int maxCrops() { return pipeline.maxCrops(); }
            @Override public String key() { return pipeline.cropping().key(); }
        };
    }
}
