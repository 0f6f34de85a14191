package dev.genbench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import org.junit.jupiter.api.Test;

class PrecisionTest {
    @Test
    void cpuTrainsIn32TrueAndSaysSoForOthers() {
        assertEquals(Precision.FP32_TRUE, Precision.parse("32-true").requireCpu());
        assertEquals(Precision.FP32_TRUE, Precision.parse("32").requireCpu());
        var e = assertThrows(UserError.class, () -> Precision.parse("bf16-mixed").requireCpu());
        assertTrue(e.getMessage().contains("bf16-mixed") && e.getMessage().contains("32-true"), e.getMessage());
        e = assertThrows(UserError.class, () -> Precision.parse("fp8"));
        assertTrue(e.getMessage().contains("fp8"), e.getMessage());
    }
}
