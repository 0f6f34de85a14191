package dev.genbench.data;

import dev.genbench.config.DatasetFormat;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/** Opens a dataset in any supported layout. */
public final class Datasets {
    private Datasets() {}

    /**
     * Opens {@code path} with the reader for {@code format}; {@link DatasetFormat#AUTO} picks a CSV manifest
     * for a {@code .csv} file, the Hugging Face reader for a folder with {@code dataset_dict.json} or Arrow
     * shards (which then names what is missing), and the folder reader for a folder of split folders.
     */
    public static Dataset open(Path path, DatasetFormat format) {
        return switch (format) {
            case HF_DISK -> HfDiskDataset.open(path);
            case FOLDER -> FolderDataset.open(path);
            case CSV -> CsvManifestDataset.open(path);
            case AUTO -> open(path, detect(path));
        };
    }

    static DatasetFormat detect(Path path) {
        if (Files.isRegularFile(path) && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return DatasetFormat.CSV;
        }
        if (!Files.isDirectory(path)) {
            throw new UserError("The dataset path " + path + " does not exist; give a Hugging Face save_to_disk folder, a folder of <split>/<generator or real>/ images, or a CSV manifest.");
        }
        if (Files.isRegularFile(path.resolve(HfDiskDataset.DATASET_DICT)) || hasArrowShards(path)) {
            return DatasetFormat.HF_DISK;
        }
        return DatasetFormat.FOLDER;
    }

    private static boolean hasArrowShards(Path root) {
        try (Stream<Path> s = Files.walk(root, 2)) {
            return s.anyMatch(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".arrow") || n.equals("state.json");
            });
        } catch (IOException e) {
            return false;
        }
    }
}
