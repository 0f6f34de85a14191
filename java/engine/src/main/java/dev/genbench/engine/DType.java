package dev.genbench.engine;

/**
 * Element types a tensor can hold. {@code FP64} exists for reference computations and
 * finite-difference tests; training runs in {@code FP32} on the CPU backend, and {@code BF16} /
 * {@code FP16} are storage types (cast to FP32 to compute) until a backend computes in them.
 * The ids mirror ONNX's {@code TensorProto.DataType}; keep them in sync with onnx.proto.
 */
public enum DType {
    FP32(4, 1),
    FP64(8, 11),
    BF16(2, 16),
    FP16(2, 10),
    INT64(8, 7);

    private final int byteSize;
    private final int onnxId;

    DType(int byteSize, int onnxId) {
        this.byteSize = byteSize;
        this.onnxId = onnxId;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The ONNX {@code TensorProto.DataType} number of this type. */
    public int onnxId() {
        return onnxId;
    }

    /** True for the types the CPU kernels compute in directly. */
    public boolean isComputeFloat() {
        return this == FP32 || this == FP64;
    }

    /** The type for an ONNX data type id, or an error naming the id. */
    public static DType fromOnnx(int id) {
        for (DType t : values()) {
            if (t.onnxId == id) {
                return t;
            }
        }
        throw new IllegalArgumentException("ONNX data type " + id + " is not supported by the engine (supported: FLOAT, DOUBLE, BFLOAT16, FLOAT16, INT64)");
    }
}
