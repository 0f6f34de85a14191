package dev.genbench.engine.cpu;

import dev.genbench.engine.Backend;
import dev.genbench.engine.DeviceBuffer;
import java.lang.foreign.MemorySegment;

/**
 * Host memory of the CPU backend: a 64-byte aligned off-heap segment. Owned by the backend's pool;
 * freed (returned to the pool) by {@link CpuBackend#free}. Not thread-safe for concurrent writes.
 */
public final class CpuBuffer implements DeviceBuffer {
    private final CpuBackend backend;
    private final MemorySegment block;
    private final MemorySegment segment;
    private final long byteSize;

    CpuBuffer(CpuBackend backend, MemorySegment block, long byteSize) {
        this.backend = backend;
        this.block = block;
        this.segment = block.asSlice(0, byteSize);
        this.byteSize = byteSize;
    }

    /** The segment, exactly {@link #byteSize()} bytes long. */
    public MemorySegment segment() {
        return segment;
    }

    /** The pooled block this buffer lives in (at least {@code byteSize} bytes). */
    MemorySegment block() {
        return block;
    }

    @Override
    public long byteSize() {
        return byteSize;
    }

    @Override
    public Backend backend() {
        return backend;
    }
}
