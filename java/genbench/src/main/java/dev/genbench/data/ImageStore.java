package dev.genbench.data;

/**
 * Where a split's encoded image files are: read on demand, one row at a time, in any order. Implementations
 * are safe to call from several loader threads at once.
 */
public interface ImageStore {
    /**
     * The complete encoded file (JPEG, PNG, WebP...) of a row.
     *
     * @throws dev.genbench.console.UserError when the row has no image bytes or they cannot be read
     */
    byte[] read(int row);
}
