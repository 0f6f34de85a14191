package dev.genbench.engine;

import java.lang.foreign.MemorySegment;

/**
 * The narrow boundary between the engine and a device: allocate, free, copy in, copy out, run.
 * The CPU backend implements it with oneDNN and Java; a CUDA backend will implement the same five
 * verbs with device memory and streams. Nothing above this interface touches device memory.
 *
 * <p>Execution may be asynchronous: {@link #run} may return before the kernel finished, and
 * {@link #copyOut} and {@link #synchronize} are the points where the caller sees results. The CPU
 * backend is synchronous. Implementations must be safe for use from several threads for
 * allocation; {@code run} calls on one backend are serialised by the caller (one training step
 * at a time per thread).
 *
 * <p>Closing a backend frees every buffer it still holds (pooled ones included); tensors that
 * still point into it must not be used afterwards.
 */
public interface Backend extends AutoCloseable {

    /** Short name for messages, e.g. {@code "cpu"}. */
    String name();

    /**
     * Whether convolutions should write {@link Layout#CHANNELS_LAST} activations on this backend (its
     * fastest kernels read and write them); {@link Ops} then keeps activations channels-last between
     * the ops that accept it and converts where an op needs row-major. Default: no.
     */
    default boolean prefersChannelsLast() {
        return false;
    }

    /**
     * Whether every kernel this backend runs for {@code op} on {@code dtype} writes every element of
     * its outputs, so that {@link Ops} may give it unzeroed memory ({@link #allocateUninitialised}).
     * Default: no (outputs are zeroed).
     */
    default boolean overwritesOutputs(Op op, DType dtype) {
        return false;
    }

    /**
     * A buffer whose contents are unspecified: for outputs a kernel overwrites completely, which
     * saves a pass over memory per op. Default: {@link #allocate} (zeroed).
     */
    default DeviceBuffer allocateUninitialised(DType dtype, long elements) {
        return allocate(dtype, elements);
    }

    /**
     * Whether this backend's batch norm kernel for an input of {@code dtype} in {@code layout} also
     * clips its output ({@link Attrs.BatchNorm#clips}), so {@link Ops#batchNormActivation} can fuse the
     * activation. Default: no (the activation runs as its own op).
     */
    default boolean fusesBatchNormActivation(DType dtype, Layout layout) {
        return false;
    }

    /** A buffer for {@code elements} values of {@code dtype}, filled with zeros. */
    DeviceBuffer allocate(DType dtype, long elements);

    /** Returns a buffer to the backend; the buffer must not be used afterwards. */
    void free(DeviceBuffer buffer);

    /** Copies {@code host} (exactly {@code dst.byteSize()} bytes, native byte order) into {@code dst}. */
    void copyIn(DeviceBuffer dst, MemorySegment host);

    /** Copies {@code src} into {@code host} (at least {@code src.byteSize()} bytes), waiting for pending work. */
    void copyOut(DeviceBuffer src, MemorySegment host);

    /** Runs one kernel; an op the backend cannot run fails with a message naming it. */
    void run(Launch launch);

    /** Waits until every launched kernel has finished. */
    void synchronize();

    @Override
    void close();
}
