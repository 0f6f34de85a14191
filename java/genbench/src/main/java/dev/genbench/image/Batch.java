package dev.genbench.image;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One batch from a {@link BatchLoader}: crops as one tensor in off-heap memory, plus which image each crop
 * belongs to. The memory is one of the loader's reusable buffers: read it, then {@link #close()} the batch
 * to hand the buffer back (the loader stalls once every buffer is out). Owned by one thread at a time;
 * after close the tensor must not be touched.
 */
public final class Batch implements AutoCloseable {
    private final BatchLoader.Slot slot;
    private final long number;
    private boolean closed;

    Batch(BatchLoader.Slot slot, long number) {
        this.slot = slot;
        this.number = number;
    }

    /** Position of this batch in the epoch (0-based). */
    public long number() {
        return number;
    }

    /** Images in the batch (fewer than the batch size at the end or after skipped images). */
    public int images() {
        check();
        return slot.images;
    }

    /** Crops in the batch: the tensor's first dimension. */
    public int crops() {
        check();
        return slot.crops;
    }

    /** {crops, 3, H, W} for NCHW or {crops, H, W, 3} for NHWC. */
    public long[] shape() {
        check();
        return slot.layout == TensorLayout.NCHW
                ? new long[] {slot.crops, 3, slot.height, slot.width}
                : new long[] {slot.crops, slot.height, slot.width, 3};
    }

    /** The crops' tensor: exactly crops × 3 × H × W elements of the loader's type. */
    public MemorySegment tensor() {
        check();
        return slot.memory.asSlice(0, slot.crops * slot.bytesPerCrop);
    }

    /** For each crop, the index (within this batch) of the image it came from. */
    public int[] cropToImage() {
        check();
        return Arrays.copyOf(slot.cropToImage, slot.crops);
    }

    /** Dataset index j of each image (sample i = j div A, replica r = j mod A). */
    public long[] datasetIndices() {
        check();
        return Arrays.copyOf(slot.datasetIndex, slot.images);
    }

    /** Sample id of each image. */
    public String[] ids() {
        check();
        return Arrays.copyOf(slot.ids, slot.images);
    }

    /** Images of this batch that were skipped as bad. */
    public int skipped() {
        check();
        return slot.skipped;
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("batch " + number + " was closed; its buffer belongs to the loader again");
        }
    }

    /** Returns the buffer to the loader. Closing twice is harmless. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            slot.owner.release(slot);
        }
    }
}
