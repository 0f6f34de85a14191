package dev.genbench.extension;

import dev.genbench.image.EvaluationPipeline;
import dev.genbench.image.ImageOp;
import dev.genbench.image.ItemPipeline;
import dev.genbench.image.SeededRng;
import dev.genbench.image.TrainingAugmentations;
import dev.genbench.image.TrainingPipeline;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The built-in pipelines with a module's augmentations or evaluation views in place of the standard ones.
 * Their {@code toString} is what the feature cache key holds for the pipeline, so it names the module's
 * {@link DetectorModule#cacheKey} and each step.
 */
final class ModulePipelines {
    private ModulePipelines() {}

    /** The training chain with the module's deterministic and random steps. Immutable; thread-safe when the steps are. */
    record Training(TrainingPipeline standard, List<ImageOp> deterministic, List<ImageOp> random, String moduleKey)
            implements ItemPipeline {
        Training {
            deterministic = List.copyOf(deterministic);
            random = List.copyOf(random);
        }

        @Override
        public List<Mat> run(Mat decoded, SeededRng itemRng, SeededRng freeRng) {
            return standard.run(decoded, itemRng, freeRng, deterministic, random);
        }

        @Override public int maxCrops() { return 1; }
        @Override public boolean fixedSize() { return standard.fixedSize(); }
        @Override public int inputWidth() { return standard.inputWidth(); }
        @Override public int inputHeight() { return standard.inputHeight(); }

        @Override
        public String toString() {
            return standard + " with module " + moduleKey + " deterministic " + describe(deterministic) + " random " + describe(random);
        }
    }

    /** The evaluation chain with the module's views. Immutable; thread-safe when the views are. */
    record Evaluation(EvaluationPipeline standard, EvaluationCrops crops, String moduleKey) implements ItemPipeline {
        @Override
        public List<Mat> run(Mat decoded, SeededRng itemRng, SeededRng freeRng) {
            return standard.runViews(decoded, itemRng, crops::crops);
        }

        @Override
        public int maxCrops() {
            int n = crops.maxCrops();
            if (n < 1) {
                throw new IllegalStateException("EvaluationCrops.maxCrops() of module " + moduleKey + " is " + n + "; it must be 1 or more");
            }
            return n;
        }

        @Override public boolean fixedSize() { return standard.fixedSize(); }
        @Override public int inputWidth() { return standard.inputWidth(); }
        @Override public int inputHeight() { return standard.inputHeight(); }

        @Override
        public String toString() {
            return standard + " with module " + moduleKey + " views " + crops.key();
        }
    }

    static ItemPipeline training(DetectorModule module, TrainingPipeline standard) {
        List<ImageOp> deterministic = module.trainingAugmentations(standard.augmentations().deterministicSteps());
        List<ImageOp> random = module.trainingRandomAugmentations(TrainingAugmentations.nonDeterministicSteps());
        return new Training(standard, deterministic, random, module.cacheKey());
    }

    static ItemPipeline evaluation(DetectorModule module, EvaluationPipeline standard) {
        return new Evaluation(standard, module.evaluationCrops(EvaluationCrops.of(standard)), module.cacheKey());
    }

    /**
     * A step as the cache key sees it, the same in every run: a record by its components (arrays by their
     * contents, not by the identity a record's own {@code toString} prints for them), another class by its own
     * {@code toString} when it has one, else by its class name.
     */
    static String describe(ImageOp op) {
        Class<?> c = op.getClass();
        if (c.isRecord()) {
            StringBuilder out = new StringBuilder(c.getName()).append('[');
            var components = c.getRecordComponents();
            for (int i = 0; i < components.length; i++) {
                Object value;
                try {
                    var accessor = components[i].getAccessor();
                    accessor.setAccessible(true);
                    value = accessor.invoke(op);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    value = "?";
                }
                out.append(i == 0 ? "" : ", ").append(components[i].getName()).append('=').append(deepToString(value));
            }
            return out.append(']').toString();
        }
        try {
            return c.getMethod("toString").getDeclaringClass() != Object.class ? op.toString() : c.getName();
        } catch (NoSuchMethodException e) {
            return c.getName();
        }
    }

    private static String deepToString(Object value) {
        if (value == null || !value.getClass().isArray()) {
            return String.valueOf(value);
        }
        String s = Arrays.deepToString(new Object[] {value});
        return s.substring(1, s.length() - 1);
    }

    private static String describe(List<ImageOp> steps) {
        return steps.stream().map(ModulePipelines::describe).collect(Collectors.joining(", ", "[", "]"));
    }
}
