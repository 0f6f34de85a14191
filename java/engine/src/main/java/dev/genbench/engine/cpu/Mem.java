package dev.genbench.engine.cpu;

import dev.genbench.engine.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Element access for the CPU kernels. Kernels compute in double so that one loop serves FP32 and
 * FP64 (the FP64 path is the finite-difference reference); the dtype branch is loop-invariant and
 * the JIT hoists it. Stateless and thread-safe.
 */
final class Mem {
    private Mem() {}

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    static double get(MemorySegment s, DType t, long i) {
        return switch (t) {
            case FP32 -> s.getAtIndex(F32, i);
            case FP64 -> s.getAtIndex(F64, i);
            case INT64 -> s.getAtIndex(I64, i);
            case BF16 -> Float.intBitsToFloat((s.getAtIndex(I16, i) & 0xffff) << 16);
            case FP16 -> Float.float16ToFloat(s.getAtIndex(I16, i));
        };
    }

    static void set(MemorySegment s, DType t, long i, double v) {
        switch (t) {
            case FP32 -> s.setAtIndex(F32, i, (float) v);
            case FP64 -> s.setAtIndex(F64, i, v);
            case INT64 -> s.setAtIndex(I64, i, (long) v);
            case BF16 -> s.setAtIndex(I16, i, dev.genbench.engine.Bf16.fromFloat((float) v));
            case FP16 -> s.setAtIndex(I16, i, Float.floatToFloat16((float) v));
        }
    }
}
