package dev.genbench.train;

import dev.genbench.image.SampleSource;
import dev.genbench.protocol.FilteredSplit;

/**
 * A list of positions of a filtered split, as the loader reads it: sample i is position
 * {@code positions[i]}. Images are checked for completeness as they are read, and every image is named by
 * its split, row and {@code file_id} in messages. Thread-safe (the split's storage is read-only).
 */
record SplitSamples(FilteredSplit split, int[] positions) implements SampleSource {

    @Override
    public long size() {
        return positions.length;
    }

    @Override
    public EncodedSample read(long index) {
        int position = positions[Math.toIntExact(index)];
        int row = split.rows()[position];
        return new EncodedSample(split.describe(position), split.table().checkedImageBytes(row));
    }
}
