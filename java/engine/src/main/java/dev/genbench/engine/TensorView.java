package dev.genbench.engine;

/**
 * What a backend needs to know about one operand of a kernel: its memory, element type and
 * shape (dense, row-major). It carries no autodiff state, so backends stay ignorant of graphs.
 */
public record TensorView(DeviceBuffer buffer, DType dtype, Shape shape) {
    public long elementCount() {
        return shape.elementCount();
    }
}
