package dev.genbench.image;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The evaluation chain (validate, test, predict; SPEC §6.2, §6.4): mandatory preprocessing, then the
 * cropping strategy. Normalisation happens when the crops are written ({@link TensorWriter}). Every
 * choice comes from the item RNG, so the whole chain is reproducible, as in the original.
 *
 * <p>Immutable and thread-safe.
 */
public record EvaluationPipeline(OptionalInt maximumProcessingSize, EvaluationCropping cropping, int inputWidth,
        int inputHeight) implements ItemPipeline {

    public EvaluationPipeline {
        if (inputWidth < 1 || inputHeight < 1) {
            throw new IllegalArgumentException("model_input_size must be positive, got " + inputWidth + "x" + inputHeight);
        }
    }

    /** The benchmark's defaults: maximum_processing_size 1080, resize, 224 × 224. */
    public static EvaluationPipeline benchmarkDefaults() {
        return new EvaluationPipeline(OptionalInt.of(1080), EvaluationCropping.RESIZE, 224, 224);
    }

    @Override
    public List<Mat> run(Mat decoded, SeededRng itemRng, SeededRng freeRng) {
        return runViews(decoded, itemRng, this::crops);
    }

    /**
     * The mandatory preprocessing, then other views than the cropping strategy's (a detection module's,
     * dev.genbench.extension). {@code decoded} is consumed; {@code views} gets the preprocessed image, which
     * stays this method's, and returns views the caller closes.
     */
    public List<Mat> runViews(Mat decoded, SeededRng itemRng, java.util.function.Function<Mat, List<Mat>> views) {
        try (Mat preprocessed = MandatoryPreprocessing.evaluation(maximumProcessingSize).run(decoded, itemRng)) {
            return views.apply(preprocessed);
        }
    }

    /**
     * What a deployed detector runs on an image: the model's own evaluation view without the benchmark's
     * distortions (grayscale, JPEG, noise, resized crops simulate re-shared images; they are not part of the
     * model). An image larger than {@code maximum_processing_size} is centre-cropped to it, the crop the
     * original intends ({@code force_central_crop}, SPEC §12), then the cropping strategy applies.
     * {@code image} stays the caller's; the crops are the caller's to close.
     */
    public List<Mat> inference(Mat image) {
        int limit = maximumProcessingSize.orElse(Integer.MAX_VALUE);
        if (image.rows() <= limit && image.cols() <= limit) {
            return crops(image);
        }
        try (Mat centred = Crops.center(image, Math.min(image.cols(), limit), Math.min(image.rows(), limit))) {
            return crops(centred);
        }
    }

    /** The cropping strategy alone; {@code image} stays the caller's. */
    public List<Mat> crops(Mat image) {
        List<Mat> out = new ArrayList<>(cropping.maxCrops());
        switch (cropping) {
            case RESIZE -> out.add(Interpolation.BILINEAR.resizeAntialiased(image, inputWidth, inputHeight));
            case CROP -> out.add(Crops.center(image, inputWidth, inputHeight));
            case MULTICROP -> {
                if (image.rows() <= inputHeight || image.cols() <= inputWidth) {
                    out.add(Crops.center(image, inputWidth, inputHeight));
                } else {
                    out.addAll(Crops.five(image, inputWidth, inputHeight));
                }
            }
            case AS_IS -> out.add(new Mat(image));
        }
        return out;
    }

    @Override
    public int maxCrops() {
        return cropping.maxCrops();
    }

    @Override
    public boolean fixedSize() {
        return cropping != EvaluationCropping.AS_IS;
    }
}
