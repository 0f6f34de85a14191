package dev.genbench.data;

import dev.genbench.config.DatasetFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What every reader shares: its splits by name, where it was opened from, and the catalogue beside it. */
abstract class SplitMapDataset implements Dataset {
    private final Path source;
    private final DatasetFormat format;
    private final Map<String, SplitTable> splits;

    SplitMapDataset(Path source, DatasetFormat format, Map<String, SplitTable> splits) {
        this.source = source;
        this.format = format;
        this.splits = splits;
    }

    @Override
    public Path source() {
        return source;
    }

    @Override
    public DatasetFormat format() {
        return format;
    }

    @Override
    public List<String> splits() {
        return List.copyOf(splits.keySet());
    }

    @Override
    public SplitTable split(String name) {
        SplitTable t = splits.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no split " + name + " in " + source + " (it has " + splits.keySet() + ")");
        }
        return t;
    }

    /** The {@code generators.csv} in {@code folder}, if there is one. */
    static Optional<Path> catalogueIn(Path folder) {
        Path csv = folder.resolve(CatalogueFiles.FILE_NAME);
        return Files.isRegularFile(csv) ? Optional.of(csv) : Optional.empty();
    }
}
