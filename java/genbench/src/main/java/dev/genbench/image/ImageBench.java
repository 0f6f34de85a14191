package dev.genbench.image;


import dev.genbench.console.UserError;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Throughput of the image stages on a folder of photos, for {@code genbench bench} and the side-by-side
 * runner in {@code bench/}. Warm-up images are processed first and excluded from every number; a short
 * single-threaded replay afterwards says where the time goes, step by step.
 *
 * <p>Stages:
 * <ul>
 *   <li>{@code decode}: read + decode to RGB, one image at a time per worker;</li>
 *   <li>{@code preprocess}: read + decode + evaluation mandatory preprocessing (max size 1080) + resize to
 *       224 + CLIP normalisation into float32 NCHW batches, through {@link BatchLoader};</li>
 *   <li>{@code train}: the same with the training chain instead: RandomCropIfLarge(1080), the baseline
 *       augmentations, rotation, flip, resize to 224 (no peer yet).</li>
 * </ul>
 */
public final class ImageBench {
    private ImageBench() {}

    public enum Stage { DECODE, PREPROCESS, TRAIN }

    /**
     * @param stage what to time
     * @param photos folder of .jpg/.png/.webp files
     * @param threads worker threads
     * @param batchSize images per batch
     * @param warmupImages images processed before timing starts
     * @param images images timed (the photo set is cycled; each index gets its own augmentation seed)
     */
    public record Settings(Stage stage, Path photos, int threads, int batchSize, int warmupImages, int images) {}

    /**
     * @param imagesPerSecond timed images / timed wall time
     * @param batchMsP50 median time between consecutive batches at the consumer
     * @param batchMsP95 95th percentile of the same
     * @param images timed images
     * @param seconds timed wall time
     * @param peakRssMb the process's peak resident set (VmHWM), or -1 where /proc is missing
     * @param heapUsedMb Java heap in use at the end
     */
    public record Result(double imagesPerSecond, double batchMsP50, double batchMsP95, long images, double seconds,
            double peakRssMb, double heapUsedMb, Map<String, Double> msPerImageByStep) {
        public Result {
            msPerImageByStep = Collections.unmodifiableMap(new LinkedHashMap<>(msPerImageByStep));
        }

        public Result withSteps(Map<String, Double> steps) {
            return new Result(imagesPerSecond, batchMsP50, batchMsP95, images, seconds, peakRssMb, heapUsedMb, steps);
        }

        public String toJson() {
            StringBuilder steps = new StringBuilder();
            msPerImageByStep.forEach((k, v) -> steps.append(steps.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "\"%s\": %.3f", k, v)));
            return String.format(Locale.ROOT, "{\"images_per_s\": %.2f, \"batch_ms_p50\": %.2f, \"batch_ms_p95\": %.2f,"
                    + " \"images\": %d, \"seconds\": %.3f, \"peak_rss_mb\": %.1f, \"heap_used_mb\": %.1f,"
                    + " \"where_time_goes_ms_per_image\": {%s}}",
                    imagesPerSecond, batchMsP50, batchMsP95, images, seconds, peakRssMb, heapUsedMb, steps);
        }
    }

    public static Result run(Settings s) {
        FolderSource source = FolderSource.of(s.photos(), s.warmupImages() + s.images());
        long[] warm = range(0, s.warmupImages());
        long[] timed = range(s.warmupImages(), s.warmupImages() + s.images());
        Result r = switch (s.stage()) {
            case DECODE -> runDecode(source, s, warm, timed);
            case PREPROCESS, TRAIN -> {
                runLoader(source, s, warm);
                yield runLoader(source, s, timed);
            }
        };
        return r.withSteps(profile(source, s.stage(), Arrays.copyOf(timed, Math.min(timed.length, PROFILED_IMAGES))));
    }

    private static final int PROFILED_IMAGES = 64;

    private static TrainingPipeline trainingPipeline() {
        return new TrainingPipeline(OptionalInt.of(1080), TrainingAugmentations.BASELINE, TrainingCropping.RESIZE, 224, 224);
    }

    /**
     * Where time goes: after the timed run, one thread replays up to 64 of the timed images step by step
     * (same seeds as the loader) and reports mean milliseconds per image for each step. A step with a
     * probability costs its full price only when applied, so these are averages over the draws.
     */
    static Map<String, Double> profile(FolderSource source, Stage stage, long[] indices) {
        Map<String, Double> ms = new LinkedHashMap<>();
        if (indices.length == 0) {
            return ms;
        }
        ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULT);
        EvaluationPipeline pipeline = EvaluationPipeline.benchmarkDefaults();
        List<ImageOp> steps = new java.util.ArrayList<>();
        if (stage == Stage.TRAIN) {
            steps.addAll(trainingPipeline().deterministicPart().steps());
            steps.addAll(TrainingAugmentations.nonDeterministicSteps());
        } else {
            steps.addAll(MandatoryPreprocessing.evaluation(pipeline.maximumProcessingSize()).steps());
        }
        TensorWriter writer = new TensorWriter(TensorLayout.NCHW, TensorType.FLOAT32, Normalization.CLIP);
        AugmentationSeeds seeds = AugmentationSeeds.evaluation(4321);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(writer.bytesPerImage(pipeline.inputWidth(), pipeline.inputHeight()));
            for (long j : indices) {
                long t0 = System.nanoTime();
                SampleSource.EncodedSample e = source.read(j);
                long t1 = System.nanoTime();
                Mat image = decoder.decode(e.bytes(), e.id());
                long t2 = System.nanoTime();
                ms.merge("read", (t1 - t0) / 1e6, Double::sum);
                ms.merge("decode", (t2 - t1) / 1e6, Double::sum);
                if (stage == Stage.DECODE) {
                    image.close();
                    continue;
                }
                SeededRng rng = new SeededRng(seeds.seedOfDatasetIndex(j));
                for (int k = 0; k < steps.size(); k++) {
                    long a = System.nanoTime();
                    Mat next = steps.get(k).apply(image, rng);
                    if (next != image) {
                        image.close();
                        image = next;
                    }
                    ms.merge(k + " " + steps.get(k).getClass().getSimpleName(), (System.nanoTime() - a) / 1e6, Double::sum);
                }
                long a = System.nanoTime();
                List<Mat> crops = pipeline.crops(image);
                long b = System.nanoTime();
                writer.write(crops.get(0), dst);
                long c = System.nanoTime();
                ms.merge("crop/resize", (b - a) / 1e6, Double::sum);
                ms.merge("normalise", (c - b) / 1e6, Double::sum);
                crops.forEach(Mat::close);
                image.close();
            }
        }
        ms.replaceAll((k, v) -> v / indices.length);
        return ms;
    }

    private static Result runLoader(FolderSource source, Settings s, long[] indices) {
        if (indices.length == 0) {
            return null;
        }
        LoaderSettings settings = LoaderSettings.defaults(s.batchSize()).withWorkers(s.threads());
        ItemPipeline pipeline = s.stage() == Stage.TRAIN ? trainingPipeline() : EvaluationPipeline.benchmarkDefaults();
        int batches = (indices.length + s.batchSize() - 1) / s.batchSize();
        double[] gapsMs = new double[batches];
        long start = System.nanoTime();
        long count = 0;
        try (BatchLoader loader = new BatchLoader(source, pipeline, AugmentationSeeds.evaluation(4321), indices, settings)) {
            long last = start;
            int k = 0;
            for (Batch next = loader.next(); next != null; next = loader.next()) {
                try (Batch b = next) {
                    count += b.images();
                }
                long now = System.nanoTime();
                gapsMs[k++] = (now - last) / 1e6;
                last = now;
            }
        }
        return result(count, System.nanoTime() - start, gapsMs);
    }

    private static Result runDecode(FolderSource source, Settings s, long[] warm, long[] timed) {
        ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULT);
        decodeAll(source, decoder, warm, s.threads());
        long start = System.nanoTime();
        decodeAll(source, decoder, timed, s.threads());
        long elapsed = System.nanoTime() - start;
        // No batches here: report no batch times rather than the whole run as one.
        return result(timed.length, elapsed, new double[0]);
    }

    private static void decodeAll(FolderSource source, ImageDecoder decoder, long[] indices, int threads) {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = Thread.ofPlatform().start(() -> {
                for (int i = next.getAndIncrement(); i < indices.length; i = next.getAndIncrement()) {
                    SampleSource.EncodedSample e = source.read(indices[i]);
                    try (Mat m = decoder.decode(e.bytes(), e.id())) {
                        if (m.empty()) {
                            throw new IllegalStateException("empty decode");
                        }
                    }
                }
            });
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", ex);
            }
        }
    }

    /**
     * A result from a timed run: {@code images} in {@code nanos}, with the consumer's gaps between batches;
     * peak RSS and heap in use are read now. For other stages' benchmarks (the backbone's) to report alike.
     */
    public static Result result(long images, long nanos, double[] gapsMs) {
        double[] sorted = gapsMs.clone();
        Arrays.sort(sorted);
        double seconds = nanos / 1e9;
        Runtime rt = Runtime.getRuntime();
        return new Result(images / seconds, percentile(sorted, 0.50), percentile(sorted, 0.95), images, seconds,
                peakRssMb(), (rt.totalMemory() - rt.freeMemory()) / 1048576.0, Map.of());
    }

    /**
     * The machine a result was measured on: CPU model, cores, OS, JVM and OpenCV versions, and the load
     * average when asked (other work on the machine skews every number).
     */
    public static Map<String, String> machineSummary() {
        Map<String, String> m = new LinkedHashMap<>();
        String cpu = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).strip();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux: reported as unknown
        }
        var os = ManagementFactory.getOperatingSystemMXBean();
        m.put("cpu", cpu);
        m.put("cores", Integer.toString(os.getAvailableProcessors()));
        m.put("os", os.getName() + " " + os.getVersion() + " " + os.getArch());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        m.put("opencv", org.bytedeco.opencv.global.opencv_core.CV_VERSION());
        m.put("load_average", String.format(Locale.ROOT, "%.2f", os.getSystemLoadAverage()));
        return m;
    }

    private static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** The process's peak resident memory (VmHWM) in MB, or -1 where /proc is missing. */
    public static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: reported as unknown
        }
        return -1;
    }

    private static long[] range(long from, long to) {
        long[] r = new long[(int) (to - from)];
        Arrays.setAll(r, i -> from + i);
        return r;
    }

    /** The result as one JSON object with the machine summary, as {@code genbench bench} prints it. */
    public static String json(Result r) {
        return withMachine(r.toJson());
    }

    /** A JSON object with the {@link #machineSummary()} added as its last field, {@code "machine"}. */
    public static String withMachine(String json) {
        StringBuilder machine = new StringBuilder();
        machineSummary().forEach((k, v) -> machine.append(machine.isEmpty() ? "" : ", ")
                .append('"').append(k).append("\": \"").append(v.replace("\"", "'")).append('"'));
        return json.substring(0, json.length() - 1) + ", \"machine\": {" + machine + "}}";
    }
}
