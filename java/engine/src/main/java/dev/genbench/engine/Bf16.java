package dev.genbench.engine;

/** bfloat16 conversions (the upper half of an IEEE float). Stateless and thread-safe. */
public final class Bf16 {
    private Bf16() {}

    /** Rounds to the nearest bfloat16, ties to even, keeping NaN a NaN. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float toFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }
}
