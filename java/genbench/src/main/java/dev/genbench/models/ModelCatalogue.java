package dev.genbench.models;

import dev.genbench.config.Suggest;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backbones genbench knows: one card per file in a folder ({@code models/onnx} by default).
 * Model names resolve by explicit suffix, {@code <base>_probe} or {@code <base>_tune}; unlike the
 * original's chain of factories that swallow errors (SPEC §12 item 10), a name that matches nothing
 * is one error that lists what does.
 */
public final class ModelCatalogue {

    /** A resolved {@code model_name}. */
    public record Resolved(ModelCard card, Path cardFolder, Variant variant) {
        public Path onnxFile() {
            return cardFolder.resolve(card.onnx());
        }
    }

    /** {@code _probe}: a frozen backbone and a trained linear head; {@code _tune}: everything trains. */
    public enum Variant { PROBE, TUNE }

    private final Path folder;
    private final Map<String, ModelCard> byName;

    private ModelCatalogue(Path folder, Map<String, ModelCard> byName) {
        this.folder = folder;
        this.byName = byName;
    }

    /** Reads every {@code *.yaml} card of a folder. */
    public static ModelCatalogue load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new UserError("model catalogue folder '" + folder + "' does not exist; run from the repository root or"
                    + " set the folder of your model cards");
        }
        Map<String, ModelCard> byName = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.yaml")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new UserError("cannot list model cards in '" + folder + "' (" + e.getMessage() + ")");
        }
        files.sort(null);
        for (Path file : files) {
            ModelCard card = ModelCard.read(file);
            for (String name : names(card)) {
                ModelCard previous = byName.putIfAbsent(name, card);
                if (previous != null) {
                    throw new UserError("model card '" + file + "' claims the name '" + name + "', which card '"
                            + previous.name() + "' already has; rename one of them");
                }
            }
        }
        return new ModelCatalogue(folder, byName);
    }

    private static List<String> names(ModelCard card) {
        List<String> out = new ArrayList<>();
        out.add(card.name());
        out.addAll(card.aliases());
        return out;
    }

    public List<String> baseNames() {
        return List.copyOf(byName.keySet());
    }

    /** Resolves {@code model.init_args.model_name}, e.g. {@code RN50_probe}. */
    public Resolved resolve(String modelName) {
        Variant variant;
        String base;
        if (modelName.endsWith("_probe")) {
            variant = Variant.PROBE;
            base = modelName.substring(0, modelName.length() - "_probe".length());
        } else if (modelName.endsWith("_tune")) {
            variant = Variant.TUNE;
            base = modelName.substring(0, modelName.length() - "_tune".length());
        } else {
            throw new UserError("model_name '" + modelName + "' must end in _probe (frozen backbone, trained head) or _tune"
                    + " (everything trains)");
        }
        ModelCard card = byName.get(base);
        if (card == null) {
            String hint = Suggest.nearest(base, byName.keySet()).map(n -> "; did you mean '" + n + "_" + variant.name()
                    .toLowerCase(java.util.Locale.ROOT) + "'?").orElse("");
            throw new UserError("model_name '" + modelName + "' has no card in '" + folder + "' (known: "
                    + String.join(", ", byName.keySet()) + ")" + hint + "; export one with models/onnx/export_backbone.py");
        }
        return new Resolved(card, folder, variant);
    }
}
