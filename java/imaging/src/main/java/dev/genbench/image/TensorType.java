package dev.genbench.image;

/** Element type of the tensors the loader writes. */
public enum TensorType {
    FLOAT32(4),
    /** IEEE half precision, converted by OpenCV (round to nearest even). */
    FLOAT16(2),
    /** bfloat16: the upper half of a float32, rounded to nearest even. */
    BFLOAT16(2);

    private final int bytes;

    TensorType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
