package dev.genbench.protocol;

import dev.genbench.config.ExperimentInfo.BenchmarkType;
import dev.genbench.config.DatasetFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A dataset's first sanity check ({@code genbench dataset info}): its splits with counts per generator and
 * real, the rows the loader drops, and the windows with their generators and sample counts per split.
 * Built from metadata only, so it takes seconds on the full dataset. Immutable.
 *
 * @param source the dataset's folder or manifest
 * @param format the reader that opened it
 * @param catalogue where the generator catalogue came from
 * @param settings the protocol settings the windows were built with
 * @param splits the train, validation and test splits as the protocol reads them
 * @param dropped rows dropped per generator outside the catalogue, then per split
 * @param windows one line per window
 */
public record DatasetInfo(Path source, DatasetFormat format, String catalogue, ProtocolPlan.Settings settings,
                          List<SplitSummary> splits, Map<String, Map<String, Integer>> dropped, List<WindowSummary> windows) {

    /**
     * @param name train, validation or test
     * @param storedAs the stored split read (another one when a fallback applied)
     * @param storedRows rows on disk, before filtering
     * @param realRows real images kept
     * @param fakesPerGenerator fake images kept per generator, in release-date order
     */
    public record SplitSummary(String name, String storedAs, int storedRows, int realRows, Map<String, Integer> fakesPerGenerator) {
        public int keptRows() {
            return realRows + fakesPerGenerator.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * Counts of one window. Evaluation counts are the window's own generators' fakes and the reals paired
     * with them in the balanced validation set (the test set holds the same images, paired differently).
     */
    public record WindowSummary(int window, List<String> generators, int trainSamples, int trainReal, int trainFake,
                                int validationFake, int validationPairedReal, int testPairedReal) {}

    /** Which list {@link #listing} prints. */
    public enum ListKind { TRAIN, VALIDATION, TEST }

    /**
     * One sample in protocol order.
     *
     * @param index the sample index (augmentation seed offset, SPEC §5)
     * @param id the sample {@code ID}
     * @param fileId the row's {@code file_id}
     * @param generator the generator, {@code ""} for reals
     * @param pairedGenerator for an evaluation real, the generator it is paired with; otherwise {@code ""}
     */
    public record SampleRow(int index, long id, String fileId, String generator, String pairedGenerator) {}

    public static DatasetInfo of(BenchmarkData data, ProtocolPlan plan, ProtocolPlan.Settings settings) {
        List<String> byDate = data.catalogue().namesByDate();
        List<SplitSummary> splits = new ArrayList<>();
        for (FilteredSplit s : List.of(data.train(), data.validation(), data.test())) {
            LabelledSplit l = s.labelled();
            int[] perId = new int[l.generatorNames().size()];
            for (int id : l.generatorIds()) {
                perId[id]++;
            }
            Map<String, Integer> fakes = new LinkedHashMap<>();
            for (String g : byDate) {
                int id = l.generatorId(g);
                fakes.put(g, id < 0 ? 0 : perId[id]);
            }
            int real = l.generatorId("") < 0 ? 0 : perId[l.generatorId("")];
            splits.add(new SplitSummary(s.name(), s.storedAs(), s.table().size(), real, fakes));
        }
        LabelledSplit train = data.train().labelled();
        List<WindowSummary> windows = new ArrayList<>();
        for (WindowPlan w : plan.windows()) {
            int real = 0;
            for (int p : w.training()) {
                if (train.isReal(p)) {
                    real++;
                }
            }
            int[] val = plan.validation().indicesFor(w.generators());
            int valReal = countReals(plan.validation(), val);
            int testReal = countReals(plan.test(), plan.test().indicesFor(w.generators()));
            windows.add(new WindowSummary(w.window(), w.generators(), w.training().length, real, w.training().length - real,
                    val.length - valReal, valReal, testReal));
        }
        return new DatasetInfo(data.dataset().source(), data.dataset().format(), data.catalogue().source(), settings,
                splits, data.dropped(), windows);
    }

    private static int countReals(EvaluationSet set, int[] indices) {
        int n = 0;
        for (int i : indices) {
            if (set.split().isReal(set.positions()[i])) {
                n++;
            }
        }
        return n;
    }

    /** The samples of window {@code k}'s training list, or of the validation or test set, in protocol order. */
    public static List<SampleRow> listing(BenchmarkData data, ProtocolPlan plan, int k, ListKind kind) {
        plan.timeline().checkWindow(k);
        List<SampleRow> rows = new ArrayList<>();
        switch (kind) {
            case TRAIN -> {
                FilteredSplit s = data.train();
                int[] list = plan.windows().get(k).training();
                for (int i = 0; i < list.length; i++) {
                    int p = list[i];
                    rows.add(new SampleRow(i, s.labelled().sampleIds()[p], s.fileId(p), s.labelled().generator(p), ""));
                }
            }
            case VALIDATION, TEST -> {
                EvaluationSet set = kind == ListKind.VALIDATION ? plan.validation() : plan.test();
                FilteredSplit s = data.validation();
                for (int i = 0; i < set.size(); i++) {
                    int p = set.positions()[i];
                    int paired = set.pairedGenerator()[i];
                    rows.add(new SampleRow(i, set.sampleId(i), s.fileId(p), s.labelled().generator(p),
                            paired < 0 ? "" : s.labelled().generatorNames().get(paired)));
                }
            }
        }
        return rows;
    }

    /** Tab-separated, with a header: easy to diff against a list exported from the original. */
    public static String listingTsv(List<SampleRow> rows) {
        StringBuilder s = new StringBuilder("index\tID\tfile_id\tgenerator\tpaired_generator\n");
        for (SampleRow r : rows) {
            s.append(r.index()).append('\t').append(r.id()).append('\t').append(r.fileId()).append('\t')
                    .append(r.generator()).append('\t').append(r.pairedGenerator()).append('\n');
        }
        return s.toString();
    }

    /** A human-readable report. */
    public String toText() {
        StringBuilder s = new StringBuilder();
        s.append("dataset: ").append(source).append(" (").append(format.key()).append(")\n");
        s.append("catalogue: ").append(catalogue).append('\n');
        s.append("protocol: ").append(settings.type().key());
        if (settings.type() != BenchmarkType.NONE) {
            s.append(", ").append(settings.generatorsPerWindow()).append(" generators per window");
        }
        s.append('\n');
        for (SplitSummary sp : splits) {
            s.append("\nsplit ").append(sp.name());
            if (!sp.name().equals(sp.storedAs())) {
                s.append(" (read from ").append(sp.storedAs()).append(')');
            }
            s.append(String.format(Locale.ROOT, ": %,d rows kept of %,d; real %,d, fake %,d%n",
                    sp.keptRows(), sp.storedRows(), sp.realRows(), sp.keptRows() - sp.realRows()));
            sp.fakesPerGenerator().forEach((g, n) -> s.append(String.format(Locale.ROOT, "  %-32s %,9d%n", g, n)));
        }
        if (!dropped.isEmpty()) {
            s.append("\ndropped (not in the catalogue):\n");
            dropped.forEach((g, per) -> s.append("  ").append(g).append(": ").append(per).append('\n'));
        }
        s.append(String.format(Locale.ROOT, "%n%-6s %9s %9s %9s %9s %9s  %s%n", "window", "train", "real", "fake", "val fake", "val real", "generators"));
        for (WindowSummary w : windows) {
            s.append(String.format(Locale.ROOT, "%-6d %,9d %,9d %,9d %,9d %,9d  %s%n", w.window(), w.trainSamples(), w.trainReal(),
                    w.trainFake(), w.validationFake(), w.validationPairedReal(), String.join(", ", w.generators())));
        }
        return s.toString();
    }
}
