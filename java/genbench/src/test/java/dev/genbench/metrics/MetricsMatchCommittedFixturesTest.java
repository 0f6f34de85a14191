package dev.genbench.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The values scikit-learn gave for a fixed set of cases, committed so that machines without
 * scikit-learn still check them; regenerate with {@code src/test/python/metric_reference.py fixtures}.
 */
class MetricsMatchCommittedFixturesTest {

    @Test
    void everyCommittedCaseMatchesScikitLearnsValues() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("sklearn_fixtures.json")) {
            root = new ObjectMapper().readTree(in);
        }
        int checked = 0;
        for (JsonNode c : root.get("cases")) {
            ScikitLearnComparison.assertAgrees(c, c.get("expected"));
            checked++;
        }
        assertTrue(checked >= 30, "expected the full fixture set, found " + checked + " cases");
    }
}
