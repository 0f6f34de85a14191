package dev.genbench.data;

import dev.genbench.config.DatasetFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A dataset on disk, whatever its layout: named splits of rows with label, generator, {@code ID},
 * {@code file_id} and an encoded image. The benchmark's filtering and fallbacks are applied on top by
 * {@link BenchmarkData}.
 *
 * <p>Close it when done: readers may hold memory-mapped files, and image reads fail after closing.
 * Reading splits and images is thread-safe.
 */
public interface Dataset extends AutoCloseable {
    /** The folder or manifest it was opened from. */
    Path source();

    /** Which reader opened it. */
    DatasetFormat format();

    /** The splits present, in the dataset's order. */
    List<String> splits();

    /** A split's rows; throws if it is not one of {@link #splits()}. */
    SplitTable split(String name);

    /** A {@code generators.csv} that came with the dataset, if any. */
    Optional<Path> catalogueFile();

    @Override
    void close();
}
