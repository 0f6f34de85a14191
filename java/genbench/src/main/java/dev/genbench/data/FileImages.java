package dev.genbench.data;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Image files on disk, one per row, read when asked. Thread-safe. */
record FileImages(String split, Path base, StringColumn paths) implements ImageStore {
    @Override
    public byte[] read(int row) {
        Path file = base.resolve(paths.get(row));
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError("The image " + file + " of split " + split + ", row " + row + " does not exist; restore it or remove it from the dataset.", e);
        } catch (IOException e) {
            throw new UserError("The image " + file + " of split " + split + ", row " + row + " cannot be read (" + e.getMessage() + ").", e);
        }
    }
}
