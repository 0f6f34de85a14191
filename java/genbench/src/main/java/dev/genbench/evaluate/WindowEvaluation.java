package dev.genbench.evaluate;

import dev.genbench.metrics.BinaryMetrics;
import dev.genbench.metrics.EpochMetrics;
import dev.genbench.metrics.EvaluatedImages;
import dev.genbench.metrics.Mechanism;
import dev.genbench.metrics.MetricValue;
import dev.genbench.metrics.Stage;
import dev.genbench.metrics.WindowsOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every metric of the model of one window, recomputed from its predictions file.
 *
 * @param window          k
 * @param file            the predictions file read
 * @param images          the images after crop fusion, with their pairing
 * @param generatorNames  {@code generator_id_to_name} of the file
 * @param order           the windows timeline of the file, as generator ids
 * @param all             the metrics on every image
 * @param byMechanism     the metrics on each mechanism's subset, in {@link Mechanism} order
 * @param perGenerator    the metrics per generator id: fakes against paired reals; id 0 on all reals
 */
public record WindowEvaluation(int window, Path file, EvaluatedImages images, List<String> generatorNames,
                               WindowsOrder order, BinaryMetrics all, Map<Mechanism, BinaryMetrics> byMechanism,
                               Map<Integer, BinaryMetrics> perGenerator, double threshold) {

    public WindowEvaluation {
        generatorNames = List.copyOf(generatorNames);
        byMechanism = Map.copyOf(byMechanism);
        perGenerator = Map.copyOf(perGenerator);
    }

    public BinaryMetrics mechanism(Mechanism m) {
        return byMechanism.get(m);
    }

    /**
     * The values under the names training logs them with (SPEC §8.3): the plain manager's, then each
     * logged mechanism's, so recomputed numbers can be matched against TensorBoard's.
     */
    public Map<String, MetricValue> loggedNames(Stage stage) {
        var out = new LinkedHashMap<String, MetricValue>(EpochMetrics.evaluationEpoch(stage, images, generatorNames, threshold));
        for (Mechanism m : Mechanism.logged()) {
            out.putAll(EpochMetrics.slidingEpoch(m, stage, images, order, window, threshold));
        }
        return out;
    }
}
