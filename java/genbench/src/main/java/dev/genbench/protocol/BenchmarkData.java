package dev.genbench.protocol;

import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.data.CatalogueFiles;
import dev.genbench.data.CodePointOrder;
import dev.genbench.data.Dataset;
import dev.genbench.config.DatasetFormat;
import dev.genbench.config.GenbenchConfig;
import dev.genbench.data.Datasets;
import dev.genbench.data.SplitTable;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A dataset as the benchmark sees it, built the way the original loader builds it (SPEC §1.4): rows of
 * generators outside the catalogue dropped (with one warning naming each and its row count), the
 * {@code ID} of every row kept, a missing {@code validation} split replaced by {@code train} and a missing
 * {@code test} by {@code validation}, and generator ids assigned in code-point order of the train split's
 * generator names, {@code ""} (real) first.
 *
 * <p>Owns the dataset: closing this closes it.
 */
public final class BenchmarkData implements AutoCloseable {
    private final Dataset dataset;
    private final GeneratorCatalogue catalogue;
    private final FilteredSplit train;
    private final FilteredSplit validation;
    private final FilteredSplit test;
    private final Map<String, Map<String, Integer>> dropped;

    private BenchmarkData(Dataset dataset, GeneratorCatalogue catalogue, FilteredSplit train, FilteredSplit validation,
                          FilteredSplit test, Map<String, Map<String, Integer>> dropped) {
        this.dataset = dataset;
        this.catalogue = catalogue;
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.dropped = dropped;
    }

    /**
     * The catalogue of a run: the file named in the configuration, else the dataset's {@code generators.csv},
     * else the built-in AI-GenBench v1.0 list.
     */
    public static GeneratorCatalogue catalogueFor(Dataset dataset, Optional<Path> override) {
        return CatalogueFiles.find(dataset, override)
                .map(t -> GeneratorCatalogue.parseCsv(t.content(), t.source()))
                .orElse(GeneratorCatalogue.benchmark());
    }

    /**
     * Opens a dataset, picks its catalogue and applies the loader's rules: what {@code dataset info} and
     * every run start with.
     *
     * @param catalogueOverride a catalogue file from the configuration, if any
     */
    public static BenchmarkData open(Path path, DatasetFormat format, Optional<Path> catalogueOverride) {
        Dataset dataset = Datasets.open(path, format);
        try {
            return load(dataset, catalogueFor(dataset, catalogueOverride));
        } catch (RuntimeException e) {
            dataset.close();
            throw e;
        }
    }

    /** Opens the dataset a run configuration names ({@code dataset_path}, format, catalogue file). */
    public static BenchmarkData open(GenbenchConfig config) {
        Path path = config.resolvedDatasetPath();
        if (path == null) {
            throw new UserError("no dataset is configured; set dataset_path in your local_config.yaml or pass --dataset_path DIR");
        }
        var loader = config.data().datasetLoader();
        return open(path, loader.format(), Optional.ofNullable(loader.generatorsFile()));
    }

    /**
     * Applies the loader's rules to {@code dataset}.
     *
     * @throws UserError when there is no train split, a catalogue generator has no train images, or a row's
     *     label contradicts its generator (naming the split, row and file_id)
     */
    public static BenchmarkData load(Dataset dataset, GeneratorCatalogue catalogue) {
        if (!dataset.splits().contains("train")) {
            throw new UserError(dataset.source() + " has no train split (it has " + String.join(", ", dataset.splits()) + "); the benchmark trains on a split named train.");
        }
        Map<String, Map<String, Integer>> dropped = new TreeMap<>();
        Map<String, int[]> kept = new LinkedHashMap<>();
        for (String name : List.of("train", "validation", "test")) {
            if (dataset.splits().contains(name)) {
                kept.put(name, keptRows(dataset.split(name), catalogue, dropped));
            }
        }
        warnDropped(dropped, catalogue);

        SplitTable trainTable = dataset.split("train");
        List<String> trainNames = sortedGenerators(trainTable, kept.get("train"));
        TreeSet<String> missing = new TreeSet<>(catalogue.names());
        missing.removeAll(trainNames);
        if (!missing.isEmpty()) {
            throw new UserError("The train split of " + dataset.source() + " has no images of " + String.join(", ", missing)
                    + ", which the generator catalogue " + catalogue.source() + " lists; use a catalogue (generators.csv) that lists only the dataset's generators.");
        }
        FilteredSplit train = filtered("train", trainTable, kept.get("train"), trainNames);

        FilteredSplit validation;
        if (kept.containsKey("validation")) {
            SplitTable t = dataset.split("validation");
            List<String> names = sortedGenerators(t, kept.get("validation"));
            if (!names.equals(trainNames)) {
                // Kept as in the original: the validation split's own list then names the ids (SPEC §1.4).
                Log.warn("the validation split of %s has different generators than the train split; generator ids in evaluation follow the validation split", dataset.source());
            }
            validation = filtered("validation", t, kept.get("validation"), names);
        } else {
            Log.warn("%s has no validation split; validating on the train split, as the original does", dataset.source());
            validation = new FilteredSplit("validation", "train", train.table(), train.rows(), train.labelled());
        }
        FilteredSplit test;
        if (kept.containsKey("test")) {
            SplitTable t = dataset.split("test");
            test = filtered("test", t, kept.get("test"), sortedGenerators(t, kept.get("test")));
        } else {
            test = new FilteredSplit("test", validation.storedAs(), validation.table(), validation.rows(), validation.labelled());
        }
        return new BenchmarkData(dataset, catalogue, train, validation, test, dropped);
    }

    private static int[] keptRows(SplitTable t, GeneratorCatalogue catalogue, Map<String, Map<String, Integer>> dropped) {
        boolean[] keepCode = new boolean[t.generatorNames().size()];
        for (int c = 0; c < keepCode.length; c++) {
            String g = t.generatorNames().get(c);
            keepCode[c] = g.isEmpty() || catalogue.contains(g);
        }
        int n = 0;
        int[] droppedPerCode = new int[keepCode.length];
        for (int row = 0; row < t.size(); row++) {
            int c = t.generatorCode(row);
            if (keepCode[c]) {
                n++;
            } else {
                droppedPerCode[c]++;
            }
        }
        int[] rows = new int[n];
        for (int row = 0, k = 0; row < t.size(); row++) {
            int c = t.generatorCode(row);
            if (keepCode[c]) {
                rows[k++] = row;
                int label = t.label(row);
                boolean real = t.generatorNames().get(c).isEmpty();
                if (label == 0 && !real) {
                    throw new UserError("The " + t.describe(row) + " has label 0 (real) but generator \"" + t.generator(row) + "\"; real images must have an empty generator.");
                }
                if (label == 1 && real) {
                    throw new UserError("The " + t.describe(row) + " has label 1 (fake) but an empty generator; fake images must name their generator.");
                }
            }
        }
        for (int c = 0; c < keepCode.length; c++) {
            if (droppedPerCode[c] > 0) {
                dropped.computeIfAbsent(t.generatorNames().get(c), g -> new TreeMap<>()).put(t.name(), droppedPerCode[c]);
            }
        }
        return rows;
    }

    private static void warnDropped(Map<String, Map<String, Integer>> dropped, GeneratorCatalogue catalogue) {
        if (dropped.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        for (var e : dropped.entrySet()) {
            List<String> counts = new ArrayList<>();
            e.getValue().forEach((split, n) -> counts.add(split + " " + n));
            parts.add(e.getKey() + " (" + String.join(", ", counts) + ")");
        }
        boolean allKnownExclusions = GeneratorCatalogue.EXCLUDED_FROM_V1.containsAll(dropped.keySet());
        Log.warn("dropping the rows of generators outside the catalogue %s, as the original loader does: %s%s",
                catalogue.source(), String.join("; ", parts),
                allKnownExclusions ? " (all are generators the v1.0 benchmark leaves out)" : "");
    }

    private static List<String> sortedGenerators(SplitTable t, int[] rows) {
        boolean[] seen = new boolean[t.generatorNames().size()];
        for (int row : rows) {
            seen[t.generatorCode(row)] = true;
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < seen.length; c++) {
            if (seen[c]) {
                names.add(t.generatorNames().get(c));
            }
        }
        names.sort(CodePointOrder.INSTANCE);
        return names;
    }

    private static FilteredSplit filtered(String name, SplitTable t, int[] rows, List<String> idToName) {
        int[] codeToId = new int[t.generatorNames().size()];
        for (int c = 0; c < codeToId.length; c++) {
            codeToId[c] = idToName.indexOf(t.generatorNames().get(c));
        }
        int[] ids = new int[rows.length];
        long[] sampleIds = new long[rows.length];
        for (int p = 0; p < rows.length; p++) {
            ids[p] = codeToId[t.generatorCode(rows[p])];
            sampleIds[p] = t.id(rows[p]);
        }
        return new FilteredSplit(name, t.name(), t, rows, new LabelledSplit(name, idToName, ids, sampleIds));
    }

    public Dataset dataset() {
        return dataset;
    }

    public GeneratorCatalogue catalogue() {
        return catalogue;
    }

    public FilteredSplit train() {
        return train;
    }

    /** The validation split, or train when it is missing. Test and validation stages both read it (SPEC §3.4). */
    public FilteredSplit validation() {
        return validation;
    }

    /** The test split as the loader defines it (validation when missing); the protocol never evaluates on it. */
    public FilteredSplit test() {
        return test;
    }

    /** {@code generator_id_to_name}: the train split's generators in code-point order, "" first. */
    public List<String> generatorIdToName() {
        return train.labelled().generatorNames();
    }

    /** Rows dropped per generator outside the catalogue, then per split. */
    public Map<String, Map<String, Integer>> dropped() {
        return dropped;
    }

    @Override
    public void close() {
        dataset.close();
    }
}
