package dev.genbench.protocol;

import dev.genbench.config.ExperimentInfo.BenchmarkType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetInfoTest {

    @Test
    void summarisesSplitsDroppedRowsAndWindows() {
        Object[] out = new Object[1];
        BenchmarkDataTest.captureLog(BenchmarkDataTest::loadSmall, out);
        try (BenchmarkData data = (BenchmarkData) out[0]) {
            ProtocolPlan.Settings settings = new ProtocolPlan.Settings(BenchmarkType.CUMULATIVE, 2, SubsetSize.DISABLED, SubsetSize.DISABLED);
            ProtocolPlan plan = ProtocolPlan.build(data.catalogue(), data.train().labelled(), data.validation().labelled(), settings);
            DatasetInfo info = DatasetInfo.of(data, plan, settings);
            DatasetInfo.SplitSummary train = info.splits().get(0);
            assertEquals("train", train.name());
            assertEquals(28, train.storedRows());
            assertEquals(26, train.keptRows());
            assertEquals(14, train.realRows());
            assertEquals(List.of("GenA", "GenB", "GenC", "GenD"), List.copyOf(train.fakesPerGenerator().keySet()));
            assertEquals(3, train.fakesPerGenerator().get("GenC"));
            assertEquals("validation", info.splits().get(2).storedAs(), "test reads validation when it is missing");
            assertEquals(2, info.windows().size());
            DatasetInfo.WindowSummary w1 = info.windows().get(1);
            assertEquals(List.of("GenC", "GenD"), w1.generators());
            assertEquals(24, w1.trainSamples());
            assertEquals(12, w1.trainReal());
            assertEquals(4, w1.validationFake());
            assertEquals(4, w1.validationPairedReal());
            assertEquals(4, w1.testPairedReal());
            String text = info.toText();
            assertTrue(text.contains("split train: 26 rows kept of 28; real 14, fake 12"), text);
            assertTrue(text.contains("Wukong"), text);
            String tsv = DatasetInfo.listingTsv(DatasetInfo.listing(data, plan, 0, DatasetInfo.ListKind.VALIDATION));
            assertEquals(17, tsv.lines().count());
            assertTrue(tsv.startsWith("index\tID\tfile_id\tgenerator\tpaired_generator\n0\t10\t"), tsv);
            UserError e = assertThrows(UserError.class, () -> DatasetInfo.listing(data, plan, 2, DatasetInfo.ListKind.TRAIN));
            assertEquals("current_window is 2 but the timeline has 2 windows; use 0..1.", e.getMessage());
        }
    }
}
