package dev.genbench.data;

import dev.genbench.console.UserError;
import dev.genbench.protocol.GeneratorCatalogue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Chooses the generator catalogue of a run: a file named in the configuration, else the
 * {@code generators.csv} a dataset brings beside its {@code dataset_dict.json}, else the built-in AI-GenBench
 * v1.0 list.
 */
public final class CatalogueFiles {
    /** The catalogue file a dataset may bring. */
    public static final String FILE_NAME = "generators.csv";

    private CatalogueFiles() {}

    /**
     * @param override a catalogue file given in the configuration, if any (wins over the dataset's)
     */
    public static GeneratorCatalogue resolve(Dataset dataset, Optional<Path> override) {
        if (override.isPresent()) {
            return read(override.get());
        }
        return dataset.catalogueFile().map(CatalogueFiles::read).orElse(GeneratorCatalogue.benchmark());
    }

    /** Reads a {@code name,release_date} file. */
    public static GeneratorCatalogue read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("The generator catalogue " + file + " does not exist; give a name,release_date CSV file or leave the setting out to use the built-in list.");
        }
        try {
            return GeneratorCatalogue.parseCsv(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UserError("The generator catalogue " + file + " cannot be read (" + e.getMessage() + ").", e);
        }
    }
}
