package dev.genbench.data;

import java.util.List;
import java.util.Objects;

/**
 * One split of a dataset as the readers deliver it, before the benchmark's filtering: per row its label,
 * generator, {@code ID} and {@code file_id} in compact arrays, and its image bytes on demand. Memory per row
 * is a few dozen bytes whatever the image sizes. Immutable; reads are thread-safe.
 */
public final class SplitTable {
    private final String name;
    private final byte[] labels;
    private final int[] generatorCodes;
    private final List<String> generatorNames;
    private final long[] ids;
    private final StringColumn fileIds;
    private final ImageStore images;

    /**
     * @param labels 0 real, 1 fake, per row
     * @param generatorCodes per row, an index into {@code generatorNames}
     * @param generatorNames the distinct generator values ({@code ""} for reals), in first-seen order
     * @param ids the {@code ID} of each row, or null when it is the row index (the Arrow reader's case)
     */
    public SplitTable(String name, byte[] labels, int[] generatorCodes, List<String> generatorNames, long[] ids,
                      StringColumn fileIds, ImageStore images) {
        this.name = Objects.requireNonNull(name);
        this.labels = labels;
        this.generatorCodes = generatorCodes;
        this.generatorNames = List.copyOf(generatorNames);
        this.ids = ids;
        this.fileIds = fileIds;
        this.images = images;
        if (generatorCodes.length != labels.length || fileIds.size() != labels.length || (ids != null && ids.length != labels.length)) {
            throw new IllegalArgumentException("split " + name + ": columns of different lengths");
        }
    }

    public String name() {
        return name;
    }

    public int size() {
        return labels.length;
    }

    public int label(int row) {
        return labels[row];
    }

    public String generator(int row) {
        return generatorNames.get(generatorCodes[row]);
    }

    /** The index of the row's generator in {@link #generatorNames()}. */
    public int generatorCode(int row) {
        return generatorCodes[row];
    }

    /** The distinct generator values of the split, in first-seen order. */
    public List<String> generatorNames() {
        return generatorNames;
    }

    /** The sample {@code ID}: the row index in the split as stored (SPEC §1.4), or the manifest's. */
    public long id(int row) {
        return ids == null ? row : ids[row];
    }

    public String fileId(int row) {
        return fileIds.get(row);
    }

    /** The row's encoded image file, read now. */
    public byte[] imageBytes(int row) {
        return images.read(row);
    }

    /**
     * The row's encoded image file, checked to be a complete file of a known format
     * ({@link ImageFormat#check}); errors name the split, row and {@code file_id}.
     */
    public byte[] checkedImageBytes(int row) {
        byte[] b = images.read(row);
        ImageFormat.check(b, describe(row));
        return b;
    }

    /** "split train, row 12, file_id COCO2017_train/123": where a row is, for error messages. */
    public String describe(int row) {
        return "split " + name + ", row " + row + ", file_id " + fileId(row);
    }

    /** Heap bytes held by the metadata arrays, for memory reports. */
    public long metadataBytes() {
        return labels.length + 4L * generatorCodes.length + (ids == null ? 0 : 8L * ids.length) + fileIds.byteSize();
    }
}
