package dev.genbench.extension;

/** A metric a module registers ({@link MetricRegistry}): one number from one evaluation's images. */
@FunctionalInterface
public interface EvaluationMetric {

    /** The metric's value; NaN when it is undefined on these images (it is then logged as NaN). */
    double compute(EvaluatedScores images);
}
