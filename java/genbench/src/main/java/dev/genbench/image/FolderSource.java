package dev.genbench.image;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Image files of one folder as a {@link SampleSource}, sorted by name, optionally cycled to a larger size
 * (index k reads file k mod n), which benchmarks use to make epochs longer than the photo set. Files are
 * read in the worker that asks for them, as a dataset on disk would be.
 */
public final class FolderSource implements SampleSource {
    private final List<Path> files;
    private final long size;

    private FolderSource(List<Path> files, long size) {
        this.files = files;
        this.size = size;
    }

    /** Every .jpg, .jpeg, .png and .webp file directly in {@code folder}, cycled to {@code size} samples. */
    public static FolderSource of(Path folder, long size) {
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png|webp)$"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UserError("Cannot list image folder " + folder + ": " + e.getMessage() + ".", e);
        }
        if (files.isEmpty()) {
            throw new UserError("Image folder " + folder + " holds no .jpg, .png or .webp files.");
        }
        return new FolderSource(files, size <= 0 ? files.size() : size);
    }

    public int distinctFiles() {
        return files.size();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public EncodedSample read(long index) {
        Path p = files.get((int) (index % files.size()));
        try {
            return new EncodedSample(p.getFileName().toString(), Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UserError("Cannot read image file " + p + ": " + e.getMessage() + ".", e);
        }
    }
}
