package dev.genbench.train;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.genbench.cli.Main;
import dev.genbench.cli.Workspace;
import dev.genbench.config.ConfigArgument;
import dev.genbench.config.ConfigLoader;
import dev.genbench.config.GenbenchConfig;
import dev.genbench.export.AppImage;
import dev.genbench.export.DetectorExport;
import dev.genbench.export.ExportSource;
import dev.genbench.image.AugmentationSeeds;
import dev.genbench.image.DecodeLimits;
import dev.genbench.image.ImageDecoder;
import dev.genbench.image.MandatoryPreprocessing;
import dev.genbench.image.SeededRng;
import dev.genbench.io.PredictionsFile;
import dev.genbench.protocol.BenchmarkData;
import dev.genbench.protocol.EvaluationSet;
import dev.genbench.protocol.ProtocolPlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole deployment path on the mini benchmark: train a probe detector (window 0), export it, build the app
 * image, run the image as a separate process on the window's evaluation split, and compare its scores with the
 * framework's own validation predictions for the same images. The images handed to the detector are the
 * framework's evaluation views, the benchmark's seeded mandatory preprocessing applied, written losslessly (PNG):
 * the detector adds only what the model needs (crops, normalisation), which is what the framework did next.
 * The mini benchmark's default detector evaluates with multicrop, so crop fusion is covered too.
 */
@Tag("slow")
class DetectorEndToEndTest {
    static final Path REPO = Path.of("../..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void appImageScoresEqualTheFrameworksPredictions() throws Exception {
        Path dataset = REPO.resolve("datasets/mini_genbench");
        assumeTrue(Files.isDirectory(dataset), "the mini benchmark is not built; run ./genbench make-mini-benchmark");
        System.setProperty("genbench.home", REPO.toString());
        int status = Main.run("fit",
                "--config", REPO.resolve("configs/mini_benchmark/mini_benchmark_sliding_windows.yaml").toString(),
                "--config", REPO.resolve("configs/mini_benchmark/mobilenetv2_nsfw_probe_multicrop.yaml").toString(),
                "--data.init_args.dataset_loader.init_args.dataset_path=" + dataset,
                "--experiment_info.experiments_data_folder=" + tmp.resolve("experiments"),
                "--experiment_info.experiment_id=e2e",
                "--experiment_info.sliding_windows_definition.current_window=0",
                "--trainer.max_epochs=3", "--trainer.logger=false");
        assertEquals(0, status, "genbench fit");
        Path experiment = tmp.resolve("experiments/experiment_e2e");

        ExportSource source = ExportSource.resolve(experiment, Optional.of(0));
        DetectorExport.Result exported = DetectorExport.export(source, Workspace.modelsFolder(), tmp.resolve("out"));
        AppImage.Built image = AppImage.build(exported.onnx(), tmp.resolve("out/detector"), false);

        GenbenchConfig config = ConfigLoader.load(List.of(new ConfigArgument.File(source.config())), false).config();
        Path views = Files.createDirectories(tmp.resolve("views"));
        int n;
        try (BenchmarkData data = BenchmarkData.open(config)) {
            ProtocolPlan plan = ProtocolPlan.build(data.catalogue(), data.train().labelled(), data.validation().labelled(),
                    ProtocolPlan.Settings.of(config));
            EvaluationSet set = plan.validation();
            n = set.size();
            writeEvaluationViews(config, new SplitSamples(data.validation(), set.positions()), views);
            PredictionsFile predictions = PredictionsFile.read(source.windowFolder().resolve(PredictionsFile.latestFileName("validate")));
            assertEquals(n, predictions.images());
            for (int i = 0; i < n; i++) {
                assertEquals(set.sampleId(i), predictions.fusedIdentifiers()[i], "predictions are in evaluation-set order");
            }

            Process p = new ProcessBuilder(image.launcher().toString(), "score", "--format", "csv", views.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertTrue(p.waitFor(600, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "detector score");
            assertEquals("path,score,label", lines.getFirst());
            assertEquals(n + 1, lines.size());
            double worst = 0;
            for (int i = 0; i < n; i++) {
                String[] f = lines.get(i + 1).split(",");
                assertTrue(f[0].endsWith(name(i)), f[0]);
                double diff = Math.abs(Double.parseDouble(f[1]) - predictions.fusedScores()[i]);
                worst = Math.max(worst, diff);
                assertTrue(diff <= 1e-5, "image " + i + ": detector " + f[1] + ", framework " + predictions.fusedScores()[i]);
            }
            System.out.printf("detector vs framework over %d validation images: max |score difference| = %.3g%n", n, worst);
        }
    }

    /** Each evaluation image after the mandatory preprocessing, seeded as the framework's loader seeds it (SPEC §5). */
    private static void writeEvaluationViews(GenbenchConfig config, SplitSamples samples, Path folder) {
        Integer mps = config.data().maximumProcessingSize();
        var chain = MandatoryPreprocessing.evaluation(mps == null ? OptionalInt.empty() : OptionalInt.of(mps));
        var seeds = AugmentationSeeds.evaluation(config.data().augmentationsBaseSeed());
        var decoder = new ImageDecoder(DecodeLimits.DEFAULT);
        for (int i = 0; i < samples.size(); i++) {
            var sample = samples.read(i);
            try (Mat view = chain.run(decoder.decode(sample.bytes(), sample.id()), new SeededRng(seeds.itemSeed(i, 0)));
                    Mat bgr = new Mat()) {
                cvtColor(view, bgr, COLOR_RGB2BGR);
                assertTrue(imwrite(folder.resolve(name(i)).toString(), bgr));
            }
        }
    }

    private static String name(int i) {
        return String.format("%05d.png", i);
    }
}
