package dev.genbench.data;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds and reads the generator catalogue file of a run: a file named in the configuration, else the
 * {@code generators.csv} a dataset brings beside its {@code dataset_dict.json}. Parsing is the protocol's
 * ({@code GeneratorCatalogue.parseCsv}); no file means the built-in AI-GenBench v1.0 list.
 */
public final class CatalogueFiles {
    /** The catalogue file a dataset may bring. */
    public static final String FILE_NAME = "generators.csv";

    /** A catalogue file's text and its name for messages. */
    public record Text(String content, String source) {}

    private CatalogueFiles() {}

    /**
     * @param override a catalogue file given in the configuration, if any (wins over the dataset's)
     * @return the chosen file's text, or empty for the built-in list
     */
    public static Optional<Text> find(Dataset dataset, Optional<Path> override) {
        if (override.isPresent()) {
            return Optional.of(read(override.get()));
        }
        return dataset.catalogueFile().map(CatalogueFiles::read);
    }

    public static Text read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("The generator catalogue " + file + " does not exist; give a name,release_date CSV file or leave the setting out to use the built-in list.");
        }
        try {
            return new Text(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UserError("The generator catalogue " + file + " cannot be read (" + e.getMessage() + ").", e);
        }
    }
}
