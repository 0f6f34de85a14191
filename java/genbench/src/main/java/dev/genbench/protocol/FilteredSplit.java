package dev.genbench.protocol;

import dev.genbench.data.SplitTable;

/**
 * A split after the benchmark's filtering (SPEC §1.4): the kept rows of a stored split, in order, with
 * their protocol labels. Position p of {@link #labelled()} is row {@code rows[p]} of {@link #table()}.
 *
 * @param name the split the protocol asked for ({@code train}, {@code validation}, {@code test})
 * @param storedAs the stored split it reads (differs when a fallback applied)
 * @param table the stored split
 * @param rows the kept rows of {@code table}, ascending
 * @param labelled generator ids and {@code ID}s per position, for the protocol
 */
public record FilteredSplit(String name, String storedAs, SplitTable table, int[] rows, LabelledSplit labelled) {
    public int size() {
        return rows.length;
    }

    /** Whether this split is read from another one because it is missing. */
    public boolean isFallback() {
        return !name.equals(storedAs);
    }

    public String fileId(int position) {
        return table.fileId(rows[position]);
    }

    public byte[] imageBytes(int position) {
        return table.imageBytes(rows[position]);
    }

    /** "split train, row 12, file_id ...": where position p is, for error messages. */
    public String describe(int position) {
        return table.describe(rows[position]);
    }
}
