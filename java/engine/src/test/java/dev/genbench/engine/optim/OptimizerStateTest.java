package dev.genbench.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.genbench.engine.DType;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.cpu.CpuBackend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An optimizer restored from its saved state, with its schedule restored to the saved step, continues
 * exactly as the optimizer that never stopped: what a resumed training run relies on.
 */
class OptimizerStateTest {

    private static final float[] START = {0.5f, -1.25f, 2f};

    private static void setGrad(Tensor p, int step) {
        p.restoreGrad(new float[] {0.1f * step, -0.3f + step * 0.05f, 0.7f / (step + 1)});
    }

    private static float[] run(String classPath, int steps, int stopAfter) {
        try (CpuBackend cpu = CpuBackend.reference();
                Tensor p = Tensor.unscoped(cpu, DType.FP32, Shape.of(3), "w").requiresGrad(true)) {
            p.copyFrom(START);
            Optimizer o = Optimizers.create(classPath, Map.of("lr", 0.1, "momentum", 0.9), List.of(p));
            OneCycleLR schedule = new OneCycleLR(o, OneCycleLR.Config.defaults(0.1, steps));
            int s = 0;
            for (; s < stopAfter; s++) {
                setGrad(p, s);
                o.step();
                o.zeroGrad();
                schedule.step();
            }
            Optimizer.State saved = o.saveState();
            int savedStep = schedule.stepNum();
            o.close();
            // A fresh optimizer and schedule, as a resumed process builds them, then the saved state.
            Optimizer resumed = Optimizers.create(classPath, Map.of("lr", 0.1, "momentum", 0.9), List.of(p));
            OneCycleLR resumedSchedule = new OneCycleLR(resumed, OneCycleLR.Config.defaults(0.1, steps));
            if (stopAfter > 0) {
                resumed.loadState(saved);
                resumedSchedule.restore(savedStep);
            }
            for (; s < steps - 1; s++) {
                setGrad(p, s);
                resumed.step();
                resumed.zeroGrad();
                resumedSchedule.step();
            }
            resumed.close();
            return p.toFloats();
        }
    }

    @Test
    void sgdWithMomentumResumedMidwayMatchesAnUninterruptedRun() {
        assertArrayEquals(run("torch.optim.SGD", 8, 0), run("torch.optim.SGD", 8, 3));
        assertArrayEquals(run("torch.optim.SGD", 8, 0), run("torch.optim.SGD", 8, 6));
    }

    @Test
    void adamResumedMidwayMatchesAnUninterruptedRunStepCountsIncluded() {
        float[] whole = runAdam(8, 0);
        assertArrayEquals(whole, runAdam(8, 2));
        assertArrayEquals(whole, runAdam(8, 5));
    }

    private static float[] runAdam(int steps, int stopAfter) {
        try (CpuBackend cpu = CpuBackend.reference();
                Tensor p = Tensor.unscoped(cpu, DType.FP32, Shape.of(3), "w").requiresGrad(true)) {
            p.copyFrom(START);
            Optimizer o = Optimizers.create("torch.optim.AdamW", Map.of("lr", 0.01), List.of(p));
            for (int s = 0; s < steps; s++) {
                if (s == stopAfter && s > 0) {
                    Optimizer.State saved = o.saveState();
                    assertEquals((long) s, saved.counters().get("w.step"));
                    o.close();
                    o = Optimizers.create("torch.optim.AdamW", Map.of("lr", 0.01), List.of(p));
                    o.loadState(saved);
                }
                setGrad(p, s);
                o.step();
                o.zeroGrad();
            }
            o.close();
            return p.toFloats();
        }
    }

    @Test
    void aStateOfTheWrongSizeIsRefusedNamingTheBuffer() {
        try (CpuBackend cpu = CpuBackend.reference();
                Tensor p = Tensor.unscoped(cpu, DType.FP32, Shape.of(3), "w").requiresGrad(true);
                Optimizer o = Optimizers.create("torch.optim.SGD", Map.of("lr", 0.1, "momentum", 0.9), List.of(p))) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> o.loadState(new Optimizer.State(Map.of("w.momentum_buffer", new float[2]), Map.of())));
            assertEquals("optimizer state 'w.momentum_buffer' is 2 values; the parameter has 3", e.getMessage());
        }
    }
}
