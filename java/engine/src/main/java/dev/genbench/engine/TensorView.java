package dev.genbench.engine;

/**
 * What a backend needs to know about one operand of a kernel: its memory, element type, logical
 * shape and memory {@link Layout}. It carries no autodiff state, so backends stay ignorant of graphs.
 */
public record TensorView(DeviceBuffer buffer, DType dtype, Shape shape, Layout layout) {

    /** A dense row-major operand. */
    public TensorView(DeviceBuffer buffer, DType dtype, Shape shape) {
        this(buffer, dtype, shape, Layout.ROW_MAJOR);
    }

    public long elementCount() {
        return shape.elementCount();
    }

    public boolean channelsLast() {
        return layout == Layout.CHANNELS_LAST;
    }
}
