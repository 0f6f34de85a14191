package dev.genbench.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.engine.cpu.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TensorLifecycleTest {

    private static CpuBackend cpu;

    @BeforeAll
    static void open() {
        cpu = CpuBackend.create();
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Test
    void useAfterCloseThrowsNamingTheTensor() {
        Tensor t = Tensor.zeros(cpu, DType.FP32, Shape.of(2, 3), "conv1.weight");
        t.close();
        t.close(); // closing twice is harmless
        var e = assertThrows(IllegalStateException.class, t::toFloats);
        assertTrue(e.getMessage().contains("conv1.weight"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Ops.relu(t));
    }

    @Test
    void scopeClosesWhatItCreatedAndKeepMovesOut() {
        Tensor kept;
        Tensor inner;
        Tensor outerOwned;
        try (TensorScope outer = TensorScope.open()) {
            outerOwned = Tensor.of(cpu, Shape.of(2), 1, 2);
            try (TensorScope s = TensorScope.open()) {
                inner = Ops.add(outerOwned, outerOwned);
                kept = s.keep(Ops.mul(outerOwned, outerOwned));
            }
            assertTrue(inner.isClosed());
            assertFalse(kept.isClosed());
            assertArrayEquals(new float[] {1, 4}, kept.toFloats());
        }
        assertTrue(kept.isClosed(), "kept tensor moved to the outer scope and closed with it");
        assertTrue(outerOwned.isClosed());
    }

    @Test
    void ownedSinceAMarkIsWhatCameAfterItEvenWhenATensorWasKept() {
        try (TensorScope outer = TensorScope.open()) {
            try (TensorScope s = TensorScope.open()) {
                Tensor before = Tensor.of(cpu, Shape.of(1), 1);
                Tensor movedOut = Tensor.of(cpu, Shape.of(1), 2);
                int mark = s.size();
                Tensor after = Tensor.of(cpu, Shape.of(1), 3);
                s.keep(movedOut);
                Tensor last = Tensor.of(cpu, Shape.of(1), 4);
                assertEquals(java.util.List.of(after, last), s.ownedSince(mark));
                assertFalse(before.isClosed());
            }
            assertEquals(1, outer.size(), "the kept tensor moved to the enclosing scope");
        }
    }

    @Test
    void tensorsMadeOutsideAnyScopeBelongToTheCaller() {
        Tensor t = Tensor.of(cpu, Shape.of(1), 5);
        try (TensorScope s = TensorScope.open()) {
            assertEquals(0, s.size());
        }
        assertFalse(t.isClosed());
        t.close();
    }

    @Test
    void operandsOnDifferentBackendsAreRefused() {
        try (CpuBackend other = CpuBackend.reference(); TensorScope s = TensorScope.open()) {
            Tensor a = Tensor.of(cpu, Shape.of(1), 1);
            Tensor b = Tensor.of(other, Shape.of(1), 1);
            var e = assertThrows(IllegalArgumentException.class, () -> Ops.add(a, b));
            assertTrue(e.getMessage().contains("copy it explicitly"), e.getMessage());
        }
    }

    @Test
    void halfPrecisionStorageRoundTripsThroughCasts() {
        try (TensorScope s = TensorScope.open()) {
            Tensor x = Tensor.of(cpu, Shape.of(4), 1.0f, -2.5f, 3.140625f, 65504f);
            assertArrayEquals(new float[] {1.0f, -2.5f, 3.140625f, 65504f}, Ops.cast(Ops.cast(x, DType.FP16), DType.FP32).toFloats());
            // bfloat16 keeps 8 bits of mantissa: 3.140625 is exact, 1.00390625 rounds to even (1.0).
            Tensor y = Tensor.of(cpu, Shape.of(3), 3.140625f, 1.00390625f, -7f);
            assertArrayEquals(new float[] {3.140625f, 1.0f, -7f}, Ops.cast(Ops.cast(y, DType.BF16), DType.FP32).toFloats());
            var e = assertThrows(IllegalArgumentException.class, () -> Ops.relu(Ops.cast(y, DType.BF16)));
            assertTrue(e.getMessage().contains("cast it first"), e.getMessage());
        }
    }

    @Test
    void poolReusesFreedMemoryZeroed() {
        Tensor a = Tensor.of(cpu, Shape.of(8), 1, 2, 3, 4, 5, 6, 7, 8);
        a.close();
        Tensor b = Tensor.zeros(cpu, DType.FP32, Shape.of(8), null);
        assertArrayEquals(new float[8], b.toFloats());
        b.close();
    }
    /**
     * A leaf's first gradient may take the memory of the gradient its rule made (no zero fill, no
     * add), but never one that is shared: add's rule hands the same tensor to both inputs, and a
     * value used twice gets two contributions. Gradients must survive the step's scope and keep
     * accumulating over later backward calls.
     */
    @Test
    void firstGradientTakesUnsharedMemoryOnly() {
        Tensor a = Tensor.of(cpu, Shape.of(3), 1, 2, 3).requiresGrad(true);
        Tensor b = Tensor.of(cpu, Shape.of(3), 10, 20, 30).requiresGrad(true);
        Tensor w = Tensor.of(cpu, Shape.of(3), 2, 3, 4).requiresGrad(true);
        try {
            try (TensorScope s = TensorScope.open()) {
                Autograd.backward(Ops.sum(Ops.add(a, b), false));
            }
            assertArrayEquals(new float[] {1, 1, 1}, a.grad().toFloats(), "add hands one tensor to both inputs");
            assertArrayEquals(new float[] {1, 1, 1}, b.grad().toFloats());
            a.zeroGrad();
            b.zeroGrad();
            try (TensorScope s = TensorScope.open()) {
                // d/da = 1 + w, d/db = 1, d/dw = a (a is read by the add and the mul)
                Tensor loss = Ops.sum(Ops.add(Ops.add(a, b), Ops.mul(a, w)), false);
                Autograd.backward(loss);
            }
            assertArrayEquals(new float[] {3, 4, 5}, a.grad().toFloats());
            assertArrayEquals(new float[] {1, 1, 1}, b.grad().toFloats());
            assertArrayEquals(new float[] {1, 2, 3}, w.grad().toFloats());
            try (TensorScope s = TensorScope.open()) {
                Autograd.backwardAndFree(Ops.sum(Ops.mul(a, w), false));
            }
            assertArrayEquals(new float[] {5, 7, 9}, a.grad().toFloats(), "second backward accumulates");
            assertArrayEquals(new float[] {2, 4, 6}, w.grad().toFloats());
            a.zeroGrad();
            try (TensorScope s = TensorScope.open()) {
                Autograd.backwardAndFree(Ops.sum(Ops.mul(a, a), false));
            }
            assertArrayEquals(new float[] {2, 4, 6}, a.grad().toFloats(), "a leaf read twice by one op gets both terms");
        } finally {
            a.close();
            b.close();
            w.close();
        }
    }
}
