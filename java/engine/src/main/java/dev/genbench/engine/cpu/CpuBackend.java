package dev.genbench.engine.cpu;

import dev.genbench.engine.Backend;
import dev.genbench.engine.DType;
import dev.genbench.engine.DeviceBuffer;
import dev.genbench.engine.Launch;
import dev.genbench.engine.Op;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU backend. Convolution, matmul, pooling and batch norm (forward and backward) go to
 * oneDNN ({@link OneDnn}) for FP32 unless the backend is the
 * plain-Java reference ({@link #reference()}), which computes every op with readable scalar loops
 * and is what the oneDNN paths are checked against. Other ops run as Java loops on the shared pool
 * ({@link Parallel}).
 *
 * <p>Memory: buffers come from a pool of blocks kept by exact byte size and never unmapped until
 * {@link #close()}, because touching fresh pages costs far more than the kernels on the machines
 * we measured (research/ENGINE-ONEDNN.md, "the big gotcha"). Allocation and free are thread-safe;
 * kernels run on the caller's thread (with the pool's help) and synchronously.
 */
public final class CpuBackend implements Backend {

    /** How convolutions hand their operands to oneDNN. */
    public enum ConvLayout {
        /** oneDNN picks blocked layouts; operands are reordered into cached scratch buffers. */
        ONEDNN_CHOSEN,
        /**
         * Our NCHW/OIHW buffers are used directly (no reorders; oneDNN's gemm-based kernels). On a
         * ResNet-18 training step (batch 8, 112x112) it was not slower than ONEDNN_CHOSEN, whose
         * activation reorders ate the faster kernels' gain (measured on a loaded 2-core machine, so
         * a rough reading; channels-last tensors are the real fix).
         */
        PLAIN,
        /**
         * The default: PLAIN for dense convolutions, ONEDNN_CHOSEN for grouped ones. oneDNN's
         * depthwise kernels need blocked or channels-last layouts, and its gemm fallback runs one
         * small gemm per group: MobileNetV2's convolutions (batch 16, 224x224, one thread) took
         * 1.57 s of CPU per training step plain and 0.83 s with reorders to blocked layouts.
         */
        GROUPED_CHOSEN,
        /**
         * The default: convolutions write channels-last activations, which batch norm, pooling and the
         * elementwise ops keep, so the trunk of a CNN runs channels-last end to end with no reorder of
         * activations (weights, which are small, are reordered for oneDNN). Row-major tensors met on
         * the way (the input image) convolve as in ONEDNN_CHOSEN.
         */
        CHANNELS_LAST
    }

    static {
        // Before anything can load oneDNN's libgomp (see OmpDefaults for the measured why).
        OmpDefaults.apply();
    }

    private final boolean reference;
    private final ConvLayout convLayout;
    private final Arena arena = Arena.ofShared();
    private final Map<Long, ArrayDeque<MemorySegment>> pool = new HashMap<>();
    private OneDnn oneDnn;
    private boolean closed;

    private CpuBackend(boolean reference, ConvLayout convLayout) {
        this.reference = reference;
        this.convLayout = convLayout;
    }

    /** The fast CPU backend: oneDNN for convolution, matmul, pooling, batch norm and the hot activations; channels-last CNNs. */
    public static CpuBackend create() {
        return new CpuBackend(false, ConvLayout.CHANNELS_LAST);
    }

    /** The fast CPU backend with the given convolution layout policy. */
    public static CpuBackend create(ConvLayout convLayout) {
        return new CpuBackend(false, convLayout);
    }

    /** The scalar plain-Java reference for every op; slow, for tests and parity checks. */
    public static CpuBackend reference() {
        return new CpuBackend(true, ConvLayout.PLAIN);
    }

    public boolean isReference() {
        return reference;
    }

    @Override
    public String name() {
        return reference ? "cpu-reference" : "cpu";
    }

    @Override
    public boolean prefersChannelsLast() {
        return !reference && convLayout == ConvLayout.CHANNELS_LAST;
    }

    @Override
    public DeviceBuffer allocate(DType dtype, long elements) {
        return allocate(dtype, elements, true);
    }

    @Override
    public DeviceBuffer allocateUninitialised(DType dtype, long elements) {
        return allocate(dtype, elements, false);
    }

    private synchronized DeviceBuffer allocate(DType dtype, long elements, boolean zeroed) {
        ensureOpen();
        long bytes = Math.max(1, elements) * dtype.byteSize();
        ArrayDeque<MemorySegment> free = pool.get(bytes);
        MemorySegment seg = free == null ? null : free.poll();
        if (seg == null) {
            seg = arena.allocate(bytes, 64);
            reservedBytes += bytes;
        } else if (zeroed) {
            seg.fill((byte) 0);
        }
        liveBytes += bytes;
        peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
        return new CpuBuffer(this, seg, elements * dtype.byteSize());
    }

    private long liveBytes;
    private long peakLiveBytes;
    private long reservedBytes;

    /** Bytes of the buffers handed out and not yet freed. */
    public synchronized long liveBytes() {
        return liveBytes;
    }

    /** The most bytes live at once since the backend opened or {@link #resetPeakLiveBytes()}. */
    public synchronized long peakLiveBytes() {
        return peakLiveBytes;
    }

    public synchronized void resetPeakLiveBytes() {
        peakLiveBytes = liveBytes;
    }

    /** Bytes the pool holds from the system, live or free (it never returns them before {@link #close()}). */
    public synchronized long reservedBytes() {
        return reservedBytes;
    }

    /** Ops whose every kernel, Java or oneDNN, writes each output element (none accumulates into its output). */
    private static final java.util.Set<Op> OVERWRITING = java.util.EnumSet.of(Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.RELU, Op.CLIP,
            Op.ACT_GRAD, Op.LAYOUT, Op.BATCH_NORM, Op.BATCH_NORM_GRAD, Op.CONV2D);
    /** Ops whose oneDNN primitives (FP32 on the fast backend) write each output element. */
    private static final java.util.Set<Op> OVERWRITING_ONEDNN = java.util.EnumSet.of(Op.CONV2D_DATA_GRAD, Op.CONV2D_WEIGHTS_GRAD,
            Op.MAX_POOL, Op.AVG_POOL, Op.MAX_POOL_GRAD, Op.AVG_POOL_GRAD);

    /**
     * Only {@link Normalisation} (the reference, and FP64 anywhere) clips inside its batch norm. FP32
     * runs oneDNN's batch norm, NCHW or nhwc, and the activation as its own oneDNN eltwise: on
     * MobileNetV2's training step (batch 16, 224x224, 2 threads, AVX-512 machine) that pair took
     * 140 ms a step where our fused channels-last Java kernel took 324 ms, and oneDNN's jit batch
     * norm kernels also serve nhwc on AVX2 ({@code ONEDNN_MAX_CPU_ISA=AVX2}: bnorm_jit / bnorm_tbb_jit).
     */
    @Override
    public boolean fusesBatchNormActivation(DType dtype, dev.genbench.engine.Layout layout) {
        return reference || dtype == DType.FP64;
    }

    @Override
    public boolean overwritesOutputs(Op op, DType dtype) {
        return OVERWRITING.contains(op) || (!reference && dtype == DType.FP32 && OVERWRITING_ONEDNN.contains(op));
    }

    @Override
    public synchronized void free(DeviceBuffer buffer) {
        if (closed) {
            return;
        }
        CpuBuffer b = own(buffer);
        liveBytes -= b.block().byteSize();
        pool.computeIfAbsent(b.block().byteSize(), k -> new ArrayDeque<>()).push(b.block());
    }

    @Override
    public void copyIn(DeviceBuffer dst, MemorySegment host) {
        CpuBuffer b = own(dst);
        if (host.byteSize() != b.byteSize()) {
            throw new IllegalArgumentException("copyIn of " + host.byteSize() + " bytes into a buffer of " + b.byteSize() + " bytes");
        }
        MemorySegment.copy(host, 0, b.segment(), 0, b.byteSize());
    }

    @Override
    public void copyOut(DeviceBuffer src, MemorySegment host) {
        CpuBuffer b = own(src);
        MemorySegment.copy(b.segment(), 0, host, 0, b.byteSize());
    }

    @Override
    public void synchronize() {
        // Kernels run synchronously on this backend.
    }

    /** Nanoseconds and calls per op since the last {@link #resetProfile()}, when profiling is on. */
    private final long[] profileNanos = new long[Op.values().length];
    private final long[] profileCalls = new long[Op.values().length];
    /** Process CPU time (all threads) per op: on a shared machine it says what the op costs when wall time is skewed by load. */
    private final long[] profileCpuNanos = new long[Op.values().length];
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private volatile boolean profiling;

    /** Turns per-op timing on or off (off by default; it costs two clock reads per kernel). */
    public void profile(boolean on) {
        profiling = on;
    }

    public synchronized void resetProfile() {
        java.util.Arrays.fill(profileNanos, 0);
        java.util.Arrays.fill(profileCalls, 0);
        java.util.Arrays.fill(profileCpuNanos, 0);
    }

    /** Per-op totals, slowest first, one line each: op, calls, wall milliseconds, process CPU milliseconds. */
    public synchronized String profileReport() {
        StringBuilder sb = new StringBuilder();
        java.util.stream.IntStream.range(0, profileNanos.length).boxed()
                .filter(i -> profileCalls[i] > 0)
                .sorted((a, b) -> Long.compare(profileNanos[b], profileNanos[a]))
                .forEach(i -> sb.append(String.format(java.util.Locale.ROOT, "%-22s %6d calls %9.1f ms %9.1f cpu-ms%n", Op.values()[i], profileCalls[i],
                        profileNanos[i] / 1e6, profileCpuNanos[i] / 1e6)));
        return sb.toString();
    }

    @Override
    public void run(Launch l) {
        if (!profiling) {
            dispatch(l);
            return;
        }
        long c0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        dispatch(l);
        long dt = System.nanoTime() - t0;
        long dc = OS.getProcessCpuTime() - c0;
        synchronized (this) {
            profileNanos[l.op().ordinal()] += dt;
            profileCpuNanos[l.op().ordinal()] += dc;
            profileCalls[l.op().ordinal()]++;
        }
    }

    /** Ops whose Java kernels are flat loops over memory, right whatever the operands' layout. */
    private static final java.util.Set<Op> LAYOUT_BLIND = java.util.EnumSet.of(Op.NEG, Op.EXP, Op.LOG, Op.SQRT, Op.RELU,
            Op.CLIP, Op.SIGMOID, Op.TANH, Op.ERF, Op.GELU, Op.ACT_GRAD, Op.LAYOUT);
    /** Ops whose oneDNN primitives are told each operand's layout. */
    private static final java.util.Set<Op> ONEDNN_LAYOUT_AWARE = java.util.EnumSet.of(Op.CONV2D, Op.CONV2D_DATA_GRAD,
            Op.CONV2D_WEIGHTS_GRAD, Op.BATCH_NORM, Op.BATCH_NORM_GRAD, Op.MAX_POOL, Op.AVG_POOL, Op.MAX_POOL_GRAD, Op.AVG_POOL_GRAD);

    private void dispatch(Launch l) {
        ensureOpen();
        Op op = l.op();
        boolean fast = !reference && l.in(0).dtype() == DType.FP32;
        if (OneDnn.anyChannelsLast(l) && !LAYOUT_BLIND.contains(op) && !(fast && ONEDNN_LAYOUT_AWARE.contains(op) && OneDnn.supports(l))
                && !(Elementwise.isSameShapeBinary(l))) {
            throw new IllegalStateException(op + " has no kernel for channels-last operands on backend " + name()
                    + " (engine.LayoutRules should have converted them)");
        }
        switch (op) {
            case ADD -> {
                if (fast && Elementwise.isSameShapeBinary(l)) {
                    oneDnn().addSameShape(l);
                } else {
                    Elementwise.binary(l);
                }
            }
            case SUB, MUL, DIV, POW -> Elementwise.binary(l);
            case RELU, CLIP -> {
                if (fast) {
                    oneDnn().eltwise(l);
                } else {
                    Elementwise.unary(l);
                }
            }
            case NEG, EXP, LOG, SQRT, SIGMOID, TANH, ERF, GELU -> Elementwise.unary(l);
            case CAST -> Elementwise.cast(l);
            case LAYOUT -> {
                if (fast && l.in(0).shape().rank() == 4) {
                    oneDnn().layout(l);
                } else {
                    Movement.layout(l);
                }
            }
            case ACT_GRAD -> {
                if (fast && OneDnn.supportsEltwise(((dev.genbench.engine.Attrs.ActGrad) l.attrs()).forward())) {
                    oneDnn().eltwiseGrad(l);
                } else {
                    Elementwise.actGrad(l);
                }
            }
            case BCE_WITH_LOGITS -> Elementwise.bceWithLogits(l);
            case DROPOUT -> Elementwise.dropout(l);
            case REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX -> Reductions.reduce(l);
            case REDUCE_MAX_GRAD -> Reductions.reduceMaxGrad(l);
            case SOFTMAX -> Reductions.softmax(l);
            case RESHAPE -> Movement.copy(l);
            case TRANSPOSE -> Movement.transpose(l);
            case CONCAT -> Movement.concat(l);
            case SLICE -> Movement.slice(l);
            case SLICE_GRAD -> Movement.sliceGrad(l);
            case GATHER -> Movement.gather(l);
            case GATHER_GRAD -> Movement.gatherGrad(l);
            case EXPAND -> Movement.expand(l);
            case MATMUL -> {
                if (reference || !OneDnn.supports(l)) {
                    Reference.matmul(l);
                } else {
                    oneDnn().matmul(l);
                }
            }
            case CONV2D, CONV2D_DATA_GRAD, CONV2D_WEIGHTS_GRAD -> {
                if (reference || !OneDnn.supports(l)) {
                    Reference.conv(l);
                } else {
                    oneDnn().conv(l);
                }
            }
            case MAX_POOL, AVG_POOL, MAX_POOL_GRAD, AVG_POOL_GRAD -> {
                if (reference || !OneDnn.supports(l)) {
                    Reference.pool(l);
                } else {
                    oneDnn().pool(l);
                }
            }
            case BATCH_NORM -> {
                if (reference || !OneDnn.supports(l)) {
                    Normalisation.run(l);
                } else {
                    oneDnn().batchNorm(l);
                }
            }
            case BATCH_NORM_GRAD -> {
                if (reference || !OneDnn.supports(l)) {
                    Normalisation.run(l);
                } else {
                    oneDnn().batchNormGrad(l);
                }
            }
            case LAYER_NORM, LAYER_NORM_GRAD -> Normalisation.run(l);
            case SGD_STEP -> OptimizerKernels.sgd(l);
            case ADAM_STEP -> OptimizerKernels.adam(l);
        }
    }

    private synchronized OneDnn oneDnn() {
        if (oneDnn == null) {
            oneDnn = new OneDnn(convLayout);
        }
        return oneDnn;
    }

    private CpuBuffer own(DeviceBuffer buffer) {
        if (buffer instanceof CpuBuffer b && b.backend() == this) {
            return b;
        }
        throw new IllegalArgumentException("buffer does not belong to backend " + name() + " (it belongs to " + buffer.backend().name() + "); copy it explicitly");
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("backend " + name() + " is closed");
        }
    }

    /** Frees every pooled block and oneDNN's cached primitives; buffers still in use become invalid. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.clear();
        if (oneDnn != null) {
            oneDnn.close();
        }
        arena.close();
    }

    static MemorySegment seg(dev.genbench.engine.TensorView v) {
        return ((CpuBuffer) v.buffer()).segment();
    }
}
