package dev.genbench.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genbench.testing.ReferencePython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live comparison with Debian's scikit-learn on freshly drawn cases: heavy ties, scores on the
 * threshold grid, one class only, single images. Skips, saying why, without python3-sklearn.
 */
class MetricsAgreeWithScikitLearnTest {

    @Test
    void randomisedCasesWithHeavyTiesAgreeWithScikitLearnToOneInABillion(@TempDir Path dir) throws IOException {
        ReferencePython.assumeModules("numpy", "sklearn");
        var mapper = new ObjectMapper();
        ArrayNode cases = mapper.createArrayNode();
        var rng = new SplittableRandom(6);
        for (int k = 0; k < 120; k++) {
            int n = k < 10 ? 1 + k : 2 + rng.nextInt(k % 7 == 0 ? 3000 : 250);
            // Few levels means many tied scores; 0 levels means continuous scores.
            int[] levelChoices = {2, 3, 4, 7, 21, 1001, 0};
            int levels = levelChoices[rng.nextInt(levelChoices.length)];
            double pFake = switch (k % 6) {
                case 0 -> 0.0;   // only reals
                case 1 -> 1.0;   // only fakes
                case 2 -> 0.03;
                default -> 0.2 + 0.6 * rng.nextDouble();
            };
            double[] thresholds = {0.5, 0.5, 0.3, 0.0, 1.0, 0.001, 0.999};
            ObjectNode c = cases.addObject();
            c.put("name", "case " + k + ": n=" + n + ", levels=" + levels + ", pFake=" + pFake);
            c.put("threshold", thresholds[rng.nextInt(thresholds.length)]);
            ArrayNode s = c.putArray("scores");
            ArrayNode f = c.putArray("fake");
            for (int i = 0; i < n; i++) {
                double v = levels == 0 ? rng.nextDouble() : (double) rng.nextInt(levels) / Math.max(levels - 1, 1);
                s.add((float) v);
                f.add(rng.nextDouble() < pFake ? 1 : 0);
            }
        }
        Path in = dir.resolve("cases.json");
        Path out = dir.resolve("reference.json");
        mapper.writeValue(in.toFile(), cases);
        ReferencePython.runOk(List.of(ReferencePython.SCRIPTS.resolve("metric_reference.py").toString(),
                "reference", in.toString(), out.toString()), 300);
        JsonNode reference = mapper.readTree(Files.readString(out));
        assertEquals(cases.size(), reference.size());
        for (int k = 0; k < cases.size(); k++) {
            ScikitLearnComparison.assertAgrees(cases.get(k), reference.get(k));
        }
    }
}
