package dev.genbench.protocol;

import dev.genbench.config.ExperimentInfo.BenchmarkType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import dev.genbench.config.DatasetFormat;
import dev.genbench.data.Datasets;
import dev.genbench.data.HfDiskDataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkDataTest {
    @TempDir
    Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(BenchmarkDataTest.class.getResource("/dev/genbench/data/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code body} and returns what it logged. */
    static <T> String captureLog(Supplier<T> body, Object[] result) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream previous = Log.redirect(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            result[0] = body.get();
        } finally {
            Log.redirect(previous);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    static BenchmarkData loadSmall() {
        HfDiskDataset d = HfDiskDataset.open(fixture("hf-small"));
        return BenchmarkData.load(d, BenchmarkData.catalogueFor(d, Optional.empty()));
    }

    @Test
    void dropsGeneratorsOutsideCatalogueWithOneWarningNamingEachAndItsRowCount() {
        Object[] out = new Object[1];
        String log = captureLog(BenchmarkDataTest::loadSmall, out);
        try (BenchmarkData data = (BenchmarkData) out[0]) {
            assertEquals(1, log.lines().count(), log);
            assertTrue(log.startsWith("warning: dropping the rows of generators outside the catalogue"), log);
            assertTrue(log.contains("Wukong (train 2, validation 1)"), log);
            assertEquals(26, data.train().size());
            assertEquals(16, data.validation().size());
            assertEquals(List.of("", "GenA", "GenB", "GenC", "GenD"), data.generatorIdToName());
            // ID is the row index before filtering: the reals after the two dropped Wukong rows start at 14.
            assertEquals(11, data.train().labelled().sampleIds()[11]);
            assertEquals(14, data.train().labelled().sampleIds()[12]);
            assertEquals("COCO2017_train/train1014", data.train().fileId(12));
            assertTrue(data.catalogue().source().endsWith("generators.csv"));
        }
    }

    @Test
    void fixtureWindowsAndEvaluationMatchTheOriginalsLists() {
        JsonNode ref = RngReference.committed().get("hf_small");
        try (BenchmarkData data = loadSmall()) {
            ProtocolPlan.Settings settings = new ProtocolPlan.Settings(BenchmarkType.CUMULATIVE, 2, SubsetSize.DISABLED, SubsetSize.DISABLED);
            ProtocolPlan plan = ProtocolPlan.build(data.catalogue(), data.train().labelled(), data.validation().labelled(), settings);
            assertEquals(2, plan.timeline().count());
            for (int k = 0; k < 2; k++) {
                List<DatasetInfo.SampleRow> rows = DatasetInfo.listing(data, plan, k, DatasetInfo.ListKind.TRAIN);
                assertArrayEquals(RngReference.ints(ref.get("train_window_ids").get(k)), rows.stream().mapToInt(r -> (int) r.id()).toArray(), "window " + k);
            }
            for (DatasetInfo.ListKind kind : List.of(DatasetInfo.ListKind.VALIDATION, DatasetInfo.ListKind.TEST)) {
                List<DatasetInfo.SampleRow> rows = DatasetInfo.listing(data, plan, 0, kind);
                assertArrayEquals(RngReference.ints(ref.get("evaluation_ids")), rows.stream().mapToInt(r -> (int) r.id()).toArray());
                JsonNode pairs = ref.get(kind == DatasetInfo.ListKind.VALIDATION ? "validation_pairing" : "test_pairing");
                List<DatasetInfo.SampleRow> reals = rows.stream().filter(r -> r.generator().isEmpty())
                        .sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
                assertEquals(pairs.size(), reals.size());
                for (int i = 0; i < reals.size(); i++) {
                    assertEquals(pairs.get(i).get(0).asLong(), reals.get(i).id());
                    assertEquals(pairs.get(i).get(1).asText(), reals.get(i).pairedGenerator(), kind + " pairing of ID " + reals.get(i).id());
                }
            }
        }
    }

    @Test
    void fullTrainingPlanHasOneWindowWithTheWholeTrainSplit() {
        try (BenchmarkData data = loadSmall()) {
            ProtocolPlan.Settings none = new ProtocolPlan.Settings(BenchmarkType.NONE, 0, SubsetSize.DISABLED, SubsetSize.DISABLED);
            ProtocolPlan plan = ProtocolPlan.build(data.catalogue(), data.train().labelled(), data.validation().labelled(), none);
            assertEquals(1, plan.windows().size());
            assertEquals(List.of("GenA", "GenB", "GenC", "GenD"), plan.windows().get(0).generators());
            assertEquals(26, plan.windows().get(0).training().length);
            assertEquals(0, plan.windows().get(0).training()[0]);
            assertEquals(16, plan.validation().size());
        }
    }

    @Test
    void missingValidationSplitFallsBackToTrainWithAWarning() {
        Object[] out = new Object[1];
        String log = captureLog(() -> {
            HfDiskDataset d = HfDiskDataset.open(fixture("hf-train-only"));
            return BenchmarkData.load(d, BenchmarkData.catalogueFor(d, Optional.empty()));
        }, out);
        try (BenchmarkData data = (BenchmarkData) out[0]) {
            assertTrue(log.contains("has no validation split; validating on the train split"), log);
            assertEquals("train", data.validation().storedAs());
            assertTrue(data.validation().isFallback());
            assertEquals("train", data.test().storedAs());
            assertFalse(data.train().isFallback());
        }
    }

    @Test
    void catalogueGeneratorMissingFromDatasetIsAnErrorNamingIt() throws IOException {
        Path cat = tmp.resolve("more.csv");
        Files.writeString(cat, "GenA,2020-01-01\nGenB,2020-06-01\nGenC,2021-01-01\nGenD,2021-06-01\nGenE,2022-01-01\n");
        try (HfDiskDataset d = HfDiskDataset.open(fixture("hf-small"))) {
            GeneratorCatalogue c = BenchmarkData.catalogueFor(d, Optional.of(cat));
            UserError e = assertThrows(UserError.class, () -> BenchmarkData.load(d, c));
            assertTrue(e.getMessage().contains("has no images of GenE"), e.getMessage());
        }
    }

    @Test
    void builtInCatalogueIsUsedWhenTheDatasetBringsNone() throws IOException {
        Path manifest = tmp.resolve("m.csv");
        Files.writeString(manifest, "split,path,generator\ntrain,a.png,CycleGAN\n");
        try (var d = Datasets.open(manifest, DatasetFormat.AUTO)) {
            GeneratorCatalogue c = BenchmarkData.catalogueFor(d, Optional.empty());
            assertEquals(36, c.size());
            UserError e = assertThrows(UserError.class, () -> BenchmarkData.load(d, c));
            assertTrue(e.getMessage().contains("has no images of ADM, BigGAN"), e.getMessage());
        }
    }

    @Test
    void labelContradictingGeneratorIsAnErrorNamingSplitRowAndFileId() throws IOException {
        Path manifest = tmp.resolve("bad.csv");
        Files.writeString(manifest, "split,path,generator,label,file_id\ntrain,a.png,GenA,1,x/a\ntrain,b.png,GenA,0,x/b\n");
        Files.writeString(tmp.resolve("generators.csv"), "GenA,2020-01-01\n");
        try (var d = Datasets.open(manifest, DatasetFormat.AUTO)) {
            UserError e = assertThrows(UserError.class, () -> BenchmarkData.load(d, BenchmarkData.catalogueFor(d, Optional.empty())));
            assertEquals("The split train, row 1, file_id x/b has label 0 (real) but generator \"GenA\"; real images must have an empty generator.", e.getMessage());
        }
    }
}
