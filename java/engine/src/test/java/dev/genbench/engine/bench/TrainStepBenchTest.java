package dev.genbench.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The train-step bench on the small residual network of the ONNX fixtures (batch norm, ReLU, residual adds). */
class TrainStepBenchTest {

    @Test
    void timesTheRequestedStepsOfATrainingRun() throws Exception {
        Path model = Path.of(TrainStepBenchTest.class.getResource("/fixtures/tiny_resnet.onnx").toURI());
        TrainStepBench.Result r = TrainStepBench.run(new TrainStepBench.Settings(model, 2, 16, 1, 3, 0.01, true));
        assertEquals(3, r.stepSeconds().size());
        assertTrue(r.stepSeconds().stream().allMatch(s -> s > 0), r.stepSeconds().toString());
        double seconds = r.stepSeconds().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(2 * 3 / seconds, r.imagesPerSecond(), 1e-9 * r.imagesPerSecond());
        assertTrue(Double.isFinite(r.lastLoss()) && r.lastLoss() > 0, "loss " + r.lastLoss());
        assertTrue(r.profile().contains("CONV2D_WEIGHTS_GRAD") && r.profile().contains("SGD_STEP"), r.profile());
        assertTrue(r.toJson().startsWith("{\"images_per_s\": "), r.toJson());
    }
}
