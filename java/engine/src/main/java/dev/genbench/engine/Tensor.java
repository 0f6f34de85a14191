package dev.genbench.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A dense, row-major tensor in memory owned by a {@link Backend}, with the autodiff state of
 * reverse mode: whether it wants a gradient, its accumulated gradient (for leaves), and the node
 * that produced it (for results of ops).
 *
 * <p><b>Who closes it.</b> A tensor created while a {@link TensorScope} is open on this thread
 * belongs to that scope and is closed with it (unless moved out with {@link TensorScope#keep}).
 * A tensor created with no scope open belongs to the caller, who must close it; model parameters
 * are such tensors and are closed by the model. Closing frees the memory (and the gradient of a
 * leaf); closing twice is harmless; any use after close throws {@link IllegalStateException}
 * naming the tensor. Nothing waits for the garbage collector.
 *
 * <p>Not thread-safe: a tensor is used by one thread at a time (the one running the step).
 */
public final class Tensor implements AutoCloseable {

    private static final AtomicLong IDS = new AtomicLong();

    private final String name;
    private final Backend backend;
    private final DType dtype;
    private final Shape shape;
    private final Layout layout;
    private DeviceBuffer buffer;
    private boolean requiresGrad;
    private Tensor grad;
    Node creator;
    /** Recorded backward rules that will read this tensor's values ({@link BackwardRules#reads}). */
    int backwardReaders;

    private Tensor(Backend backend, DType dtype, Shape shape, Layout layout, String name) {
        this(backend, dtype, shape, layout, name, true);
    }

    private Tensor(Backend backend, DType dtype, Shape shape, Layout layout, String name, boolean zeroed) {
        if (layout == Layout.CHANNELS_LAST && shape.rank() != 4) {
            throw new IllegalArgumentException("channels-last needs a rank-4 shape, not " + shape);
        }
        this(backend, dtype, shape, layout, name != null ? name : "tensor#" + IDS.incrementAndGet(),
                zeroed ? backend.allocate(dtype, shape.elementCount()) : backend.allocateUninitialised(dtype, shape.elementCount()));
    }

    /** A tensor over {@code buffer}, which it now owns (closing frees it). */
    private Tensor(Backend backend, DType dtype, Shape shape, Layout layout, String name, DeviceBuffer buffer) {
        this.backend = backend;
        this.dtype = dtype;
        this.shape = shape;
        this.layout = layout;
        this.name = name;
        this.buffer = buffer;
    }

    private Tensor(Backend backend, DType dtype, Shape shape, String name) {
        this(backend, dtype, shape, Layout.ROW_MAJOR, name);
    }

    /**
     * An op's output in {@code layout}, owned by the current scope if one is open: zero-filled, or
     * left as the pool had it when the kernel will overwrite every element.
     */
    static Tensor output(Backend backend, DType dtype, Shape shape, Layout layout, String name, boolean zeroed) {
        Tensor t = new Tensor(backend, dtype, shape, layout, name, zeroed);
        TensorScope.register(t);
        return t;
    }

    /** A zero-filled tensor, owned by the current scope if one is open, else by the caller. */
    public static Tensor zeros(Backend backend, DType dtype, Shape shape, String name) {
        Tensor t = new Tensor(backend, dtype, shape, name);
        TensorScope.register(t);
        return t;
    }

    /** A zero-filled tensor that no scope owns, whatever scope is open: the caller closes it. */
    public static Tensor unscoped(Backend backend, DType dtype, Shape shape, String name) {
        return new Tensor(backend, dtype, shape, name);
    }

    static String autoName(Op op) {
        return op.name().toLowerCase(java.util.Locale.ROOT) + "#" + IDS.incrementAndGet();
    }

    /** An FP32 tensor holding {@code values}. */
    public static Tensor of(Backend backend, Shape shape, float... values) {
        Tensor t = zeros(backend, DType.FP32, shape, null);
        t.copyFrom(values);
        return t;
    }

    /** An FP64 tensor holding {@code values}. */
    public static Tensor ofDoubles(Backend backend, Shape shape, double... values) {
        Tensor t = zeros(backend, DType.FP64, shape, null);
        t.copyFrom(values);
        return t;
    }

    /** An INT64 tensor holding {@code values}. */
    public static Tensor ofLongs(Backend backend, Shape shape, long... values) {
        Tensor t = zeros(backend, DType.INT64, shape, null);
        t.copyFrom(values);
        return t;
    }

    /** A tensor of {@code dtype} (FP32 or FP64) holding {@code values} converted to that type. */
    public static Tensor of(Backend backend, DType dtype, Shape shape, double... values) {
        Tensor t = zeros(backend, dtype, shape, null);
        t.copyFrom(values);
        return t;
    }

    public String name() {
        return name;
    }

    public Backend backend() {
        return backend;
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public long elementCount() {
        return shape.elementCount();
    }

    /** How the elements lie in memory; values read and written through this class are always in logical order. */
    public Layout layout() {
        return layout;
    }

    public boolean isClosed() {
        return buffer == null;
    }

    /** The buffer, or an error naming this tensor when it was closed. */
    public DeviceBuffer buffer() {
        if (buffer == null) {
            throw new IllegalStateException("tensor '" + name + "' " + shape + " is closed and cannot be used");
        }
        return buffer;
    }

    public TensorView view() {
        return new TensorView(buffer(), dtype, shape, layout);
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as wanting a gradient; returns this. */
    public Tensor requiresGrad(boolean value) {
        if (value && !(dtype == DType.FP32 || dtype == DType.FP64)) {
            throw new IllegalArgumentException("tensor '" + name + "' is " + dtype + "; only FP32/FP64 tensors can require a gradient");
        }
        this.requiresGrad = value;
        return this;
    }

    /** The accumulated gradient of a leaf, or null before the first backward. Owned by this tensor. */
    public Tensor grad() {
        return grad;
    }

    /** The node that computed this tensor, or null for a leaf. */
    Node creator() {
        return creator;
    }

    public boolean isLeaf() {
        return creator == null;
    }

    /** Adds {@code g} into this leaf's gradient, creating it (owned by this tensor) on first use. */
    void accumulateGrad(Tensor g) {
        accumulateGrad(g, false);
    }

    /**
     * Adds {@code g} into this leaf's gradient. With {@code gOwned} (the caller holds the only
     * reference to {@code g}, and drops it) and no gradient yet, {@code g}'s memory becomes the
     * gradient and {@code g} is left closed: the first backward after zero_grad then costs no
     * zero fill and no add pass (on ResNet-50, 161 such passes over 25.6 M values a step).
     */
    void accumulateGrad(Tensor g, boolean gOwned) {
        if (!g.shape.equals(shape)) {
            throw new IllegalStateException("gradient of '" + name + "' has shape " + g.shape + ", expected " + shape);
        }
        if (grad == null && gOwned && g.backend == backend && g.dtype == dtype && g.layout == layout && g.buffer != null) {
            grad = new Tensor(backend, dtype, shape, layout, name + ".grad", g.buffer);
            g.buffer = null;
            g.creator = null;
            return;
        }
        if (grad == null) {
            grad = new Tensor(backend, dtype, shape, layout, name + ".grad");
        }
        Ops.addInto(grad, g);
    }

    /**
     * Sets this leaf's accumulated gradient to {@code values}: how a checkpoint taken in the middle of
     * gradient accumulation restores the micro-batches already summed.
     */
    public void restoreGrad(float[] values) {
        zeroGrad();
        grad = new Tensor(backend, dtype, shape, layout, name + ".grad");
        grad.copyFrom(values);
    }

    /**
     * Drops the accumulated gradient, returning its memory to the backend's pool; the next
     * backward starts a fresh one. This is torch's zero_grad(set_to_none=True), the default that
     * Lightning uses: an optimizer skips a parameter that got no gradient since.
     */
    public void zeroGrad() {
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    /** Sets every element to {@code value} (one host staging copy, no Java array). */
    public void fill(double value) {
        long n = elementCount();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(Math.max(1, buffer().byteSize()), 8);
            for (long i = 0; i < n; i++) {
                put(host, i, value);
            }
            backend.copyIn(buffer(), host.asSlice(0, buffer().byteSize()));
        }
    }

    public void copyFrom(float[] values) {
        checkCount(values.length);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate((long) values.length * dtype.byteSize(), 8);
            long[] st = memoryStrides();
            for (int i = 0; i < values.length; i++) {
                put(host, memoryIndex(i, st), values[i]);
            }
            backend.copyIn(buffer(), host);
        }
    }

    public void copyFrom(double[] values) {
        checkCount(values.length);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate((long) values.length * dtype.byteSize(), 8);
            long[] st = memoryStrides();
            for (int i = 0; i < values.length; i++) {
                put(host, memoryIndex(i, st), values[i]);
            }
            backend.copyIn(buffer(), host);
        }
    }

    public void copyFrom(long[] values) {
        checkCount(values.length);
        if (dtype != DType.INT64) {
            throw new IllegalArgumentException("tensor '" + name + "' is " + dtype + ", not INT64");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate((long) values.length * 8, 8);
            MemorySegment.copy(values, 0, host, ValueLayout.JAVA_LONG, 0, values.length);
            backend.copyIn(buffer(), host);
        }
    }

    /** Copies raw bytes of this tensor's dtype (native order, in its {@link #layout()}) in. */
    public void copyFrom(MemorySegment host) {
        backend.copyIn(buffer(), host);
    }

    public double[] toDoubles() {
        int n = Math.toIntExact(elementCount());
        double[] out = new double[n];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(Math.max(1, buffer().byteSize()), 8);
            backend.copyOut(buffer(), host);
            long[] st = memoryStrides();
            for (int i = 0; i < n; i++) {
                out[i] = get(host, memoryIndex(i, st));
            }
        }
        return out;
    }

    public float[] toFloats() {
        double[] d = toDoubles();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    public long[] toLongs() {
        if (dtype != DType.INT64) {
            throw new IllegalArgumentException("tensor '" + name + "' is " + dtype + ", not INT64");
        }
        int n = Math.toIntExact(elementCount());
        long[] out = new long[n];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(Math.max(8, buffer().byteSize()), 8);
            backend.copyOut(buffer(), host);
            MemorySegment.copy(host, ValueLayout.JAVA_LONG, 0, out, 0, n);
        }
        return out;
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (elementCount() != 1) {
            throw new IllegalStateException("tensor '" + name + "' " + shape + " has " + elementCount() + " elements, item() needs 1");
        }
        return toDoubles()[0];
    }

    /** Where the element with logical (row-major) index {@code i} lies in this tensor's memory ({@code st}: {@link #memoryStrides}). */
    private long memoryIndex(long i, long[] st) {
        return st == null ? i : Layout.offset(shape, st, i);
    }

    /** This tensor's memory strides, or null when row-major (logical index = memory index). */
    private long[] memoryStrides() {
        return layout == Layout.ROW_MAJOR ? null : layout.strides(shape);
    }

    private void checkCount(int n) {
        if (n != elementCount()) {
            throw new IllegalArgumentException(n + " values for tensor '" + name + "' of shape " + shape);
        }
    }

    private void put(MemorySegment host, long i, double v) {
        switch (dtype) {
            case FP32 -> host.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
            case FP64 -> host.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
            case INT64 -> host.setAtIndex(ValueLayout.JAVA_LONG, i, (long) v);
            case BF16 -> host.setAtIndex(ValueLayout.JAVA_SHORT, i, Bf16.fromFloat((float) v));
            case FP16 -> host.setAtIndex(ValueLayout.JAVA_SHORT, i, Float.floatToFloat16((float) v));
        }
    }

    private double get(MemorySegment host, long i) {
        return switch (dtype) {
            case FP32 -> host.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            case FP64 -> host.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
            case INT64 -> host.getAtIndex(ValueLayout.JAVA_LONG, i);
            case BF16 -> Bf16.toFloat(host.getAtIndex(ValueLayout.JAVA_SHORT, i));
            case FP16 -> Float.float16ToFloat(host.getAtIndex(ValueLayout.JAVA_SHORT, i));
        };
    }

    /**
     * Whether some recorded backward rule will read this tensor's values (an op saved it for
     * backward). One that the forward no longer needs and no rule reads can be {@link #release}d.
     */
    public boolean savedForBackward() {
        return backwardReaders > 0;
    }

    /**
     * Frees this tensor's memory now but keeps its place in the recorded graph, so gradients still
     * flow through the op that made it: for an activation the forward is done with and no backward
     * rule reads ({@link #savedForBackward()} false). Using its values afterwards throws, as after
     * {@link #close()}; refused for a leaf, whose gradient would go with it.
     */
    public void release() {
        if (isLeaf() && requiresGrad) {
            throw new IllegalStateException("tensor '" + name + "' is a leaf that wants a gradient; close it instead of releasing it");
        }
        if (buffer != null) {
            backend.free(buffer);
            buffer = null;
        }
    }

    /** Frees the memory (and a leaf's gradient). Harmless when already closed. */
    @Override
    public void close() {
        if (buffer == null) {
            return;
        }
        backend.free(buffer);
        buffer = null;
        creator = null;
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    @Override
    public String toString() {
        return "Tensor[" + name + " " + dtype + " " + shape + (layout == Layout.CHANNELS_LAST ? " channels-last" : "")
                + (buffer == null ? " closed" : "") + "]";
    }
}
