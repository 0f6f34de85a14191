package dev.genbench.engine;

/**
 * A block of memory owned by one {@link Backend}: host memory for the CPU backend, device memory
 * for an accelerator. Only the backend that allocated a buffer may read, write or free it; Java
 * code reaches the contents through {@link Backend#copyIn} / {@link Backend#copyOut}, never
 * through a hidden transfer.
 */
public interface DeviceBuffer {
    /** Size in bytes. */
    long byteSize();

    /** The backend that owns this buffer. */
    Backend backend();
}
