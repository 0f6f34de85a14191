package dev.genbench.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import dev.genbench.engine.DType;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.cpu.CpuBackend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizersTest {

    @Test
    void classPathAndInitArgsBuildTorchOptimizersWithTorchDefaults() {
        try (CpuBackend cpu = CpuBackend.reference(); Tensor p = Tensor.unscoped(cpu, DType.FP32, Shape.of(2), "w").requiresGrad(true)) {
            // The configs' optimizer: SGD, lr 0.001, momentum 0.9, dampening 0, weight_decay 1e-4 (a YAML 1.1 string).
            try (Optimizer o = Optimizers.create("torch.optim.SGD", Map.of("lr", 0.001, "momentum", 0.9, "dampening", 0, "weight_decay", "1e-4"), List.of(p))) {
                assertInstanceOf(Sgd.class, o);
                ParamGroup g = o.groups().get(0);
                assertEquals(0.001, g.lr());
                assertEquals(0.9, g.momentum());
                assertEquals(1e-4, g.weightDecay());
            }
            try (Optimizer o = Optimizers.create("AdamW", Map.of(), List.of(p))) {
                assertEquals(1e-3, o.groups().get(0).lr());
                assertEquals(1e-2, o.groups().get(0).weightDecay(), "AdamW's default weight decay");
                assertEquals(0.9, o.groups().get(0).beta1());
            }
            try (Optimizer o = Optimizers.create("torch.optim.Adam", Map.of("betas", List.of(0.8, 0.99)), List.of(p))) {
                assertEquals(0.8, o.groups().get(0).beta1());
                assertEquals(0.0, o.groups().get(0).weightDecay());
            }
            var e = assertThrows(UserError.class, () -> Optimizers.create("torch.optim.SGD", Map.of("lr", 0.1, "momentun", 0.9), List.of(p)));
            assertTrue(e.getMessage().contains("momentun"), e.getMessage());
            e = assertThrows(UserError.class, () -> Optimizers.create("torch.optim.RMSprop", Map.of(), List.of(p)));
            assertTrue(e.getMessage().contains("RMSprop"), e.getMessage());
            e = assertThrows(UserError.class, () -> Optimizers.create("Adam", Map.of("amsgrad", true), List.of(p)));
            assertTrue(e.getMessage().contains("amsgrad"), e.getMessage());
        }
    }

    @Test
    void accumulationStepsEveryKAndAtTheEndOfTheEpoch() {
        Accumulation a = new Accumulation(3);
        assertEquals(1.0 / 3, a.lossScale());
        assertFalse(a.stepsAfter(0, false));
        assertFalse(a.stepsAfter(1, false));
        assertTrue(a.stepsAfter(2, false));
        assertTrue(a.stepsAfter(6, true), "an epoch ending mid-accumulation still steps");
        assertEquals(3, a.stepsPerEpoch(7));
        assertThrows(IllegalArgumentException.class, () -> new Accumulation(0));
    }

    @Test
    void oneCycleMatchesTorchAtTheConfigsDefaults() {
        // Values from torch 1.13's OneCycleLR(max_lr=0.001, total_steps=100) at steps 0, 29, 30, 99.
        try (CpuBackend cpu = CpuBackend.reference(); Tensor p = Tensor.unscoped(cpu, DType.FP32, Shape.of(1), "w").requiresGrad(true);
             Sgd o = Sgd.create(List.of(p), 0.001, 0.9, 0, 1e-4, false)) {
            OneCycleLR s = new OneCycleLR(o, OneCycleLR.Config.defaults(0.001, 100));
            assertEquals(4e-5, o.groups().get(0).lr(), 1e-18);
            assertEquals(0.95, o.groups().get(0).momentum(), 1e-15);
            for (int i = 0; i < 29; i++) {
                s.step();
            }
            assertEquals(0.001, o.groups().get(0).lr(), 1e-15, "peak at floor(0.3 T) - 1");
            assertEquals(0.85, o.groups().get(0).momentum(), 1e-15);
            for (int i = 29; i < 99; i++) {
                s.step();
            }
            assertEquals(4e-9, o.groups().get(0).lr(), 1e-20, "final lr = initial / final_div_factor");
            assertEquals(0.95, o.groups().get(0).momentum(), 1e-15);
        }
    }
}
