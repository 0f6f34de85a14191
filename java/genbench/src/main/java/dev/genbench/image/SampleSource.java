package dev.genbench.image;

/**
 * Where the loader gets encoded images: an indexed, read-only collection (an Arrow split, a folder, a
 * manifest). Implementations must allow concurrent {@link #read} calls from several worker threads.
 */
public interface SampleSource {

    /** Number of samples. */
    long size();

    /**
     * The encoded bytes and id of sample {@code index} (0 ≤ index < size). May throw
     * {@link dev.genbench.console.UserError} naming the sample when the entry cannot be read; the loader
     * treats that like an undecodable image.
     */
    EncodedSample read(long index);

    /**
     * One encoded image.
     *
     * @param id names the image in messages (a dataset ID or a path)
     * @param bytes the encoded file (JPEG, PNG, WebP, ...)
     */
    record EncodedSample(String id, byte[] bytes) {}
}
