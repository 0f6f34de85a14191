package dev.genbench.minibench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genbench.console.Log;
import dev.genbench.console.Progress;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Builds the mini benchmark in stages, each cached so that an interrupted build resumes and a finished one
 * is reused in seconds: photos (Debian packages), models (npm + our converter), pairs (ONNX Runtime and
 * OpenCV; one pair per file pair in the cache), then the HF dataset, its generator catalogue and a content hash.
 */
public final class MiniBenchmarkBuilder {
    /** Bumped whenever a change to the recipe changes the pixels, so that stale cached pairs are not reused. */
    static final int RECIPE_VERSION = 4;
    static final String BUILD_RECORD = "mini_benchmark_build.json";
    static final long MAX_SHARD_BYTES = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a build produced. */
    public record Result(Path out, String contentHash, int photos, int rows, boolean reused) {}

    private final MiniBenchmarkOptions options;
    private final List<GeneratorSpec> generators;
    private final Supplier<List<Photo>> photoPool;

    public MiniBenchmarkBuilder(MiniBenchmarkOptions options) {
        this(options, GeneratorSpec.defaults(), () -> PhotoPool.obtain(options.cache(), PhotoSource.builtIn()));
    }

    /** A builder over other generators or another photo pool (tests build tiny benchmarks this way). */
    MiniBenchmarkBuilder(MiniBenchmarkOptions options, List<GeneratorSpec> generators, Supplier<List<Photo>> photoPool) {
        this.options = options;
        this.generators = List.copyOf(generators);
        this.photoPool = photoPool;
    }

    public Result build() {
        Path out = options.out();
        var reusable = reusable();
        if (reusable != null) {
            return reusable;
        }
        List<Photo> photos = photoPool.get();
        Map<Split, List<Photo>> split = SamplePlanner.split(photos, options.seed());
        Log.info("photos: %d distinct photos, %d in train, %d in validation and %d in test", photos.size(),
                split.get(Split.TRAIN).size(), split.get(Split.VALIDATION).size(), split.get(Split.TEST).size());
        List<Path> models = new ModelStore(options.cache()).generators(generators);
        List<SamplePlan> plans = SamplePlanner.plan(generators, split, options.fakesPerGenerator(), options.seed());
        Path work = options.cache().resolve("pairs").resolve(workKey(photos));
        generate(plans, models, work);
        try {
            int rows = write(plans, work, out);
            String hash = contentHash(out);
            writeBuildRecord(out, hash, rows, photos.size());
            // The pairs now live in the dataset; keeping a second copy would only double the disk use.
            PhotoPool.deleteTree(work);
            Log.info("mini benchmark: %d rows in %s", rows, out);
            return new Result(out, hash, photos.size(), rows, false);
        } catch (IOException e) {
            throw new UserError("writing the mini benchmark to " + out + " failed (" + e.getMessage()
                    + "); free disk space or fix the folder's permissions, then rerun `genbench make-mini-benchmark`.", e);
        }
    }

    /**
     * Puts the mini benchmark's probe backbone (the nsfwjs MobileNetV2 with its early-block readout,
     * converted from npm if the cache does not hold it yet) into {@code modelsFolder} as
     * {@link #PROBE_BACKBONE_FILE}, where its model card ({@code mobilenetv2_nsfw.yaml}) expects it.
     */
    public Path exportProbeBackbone(Path modelsFolder) {
        Path target = modelsFolder.resolve(PROBE_BACKBONE_FILE);
        if (Files.isRegularFile(target)) {
            return target;
        }
        Path converted = new ModelStore(options.cache()).probeBackbone();
        try {
            Files.createDirectories(modelsFolder);
            dev.genbench.io.AtomicFiles.copy(converted, target);
        } catch (IOException e) {
            throw new UserError("cannot put the probe backbone into " + modelsFolder + " (" + e.getMessage() + ")", e);
        }
        Log.info("models: probe backbone %s", target);
        return target;
    }

    /**
     * After a finished build (and the backbone export): removes from the cache what it can make again from
     * its own downloads (the extracted photos, the converted ONNX models, the converter's npm dependency),
     * keeping the downloads ({@code debs/}, {@code npm/}), so the build leaves little besides the dataset.
     * A later build with other options re-extracts and re-converts them in a minute or two.
     *
     * @return bytes freed
     */
    public long dropRebuildableFiles() {
        long freed = 0;
        for (String folder : new String[] {"photos", "onnx", "node", "extract.tmp"}) {
            Path dir = options.cache().resolve(folder);
            if (Files.exists(dir)) {
                long size = sizeOf(dir);
                try {
                    PhotoPool.deleteTree(dir);
                    freed += size;
                } catch (IOException e) {
                    Log.warn("mini benchmark: could not remove %s (%s); it only takes space", dir, e.getMessage());
                }
            }
        }
        if (freed > 0) {
            Log.info("mini benchmark: freed %.0f MB of rebuildable cache files (downloads kept in %s)", freed / 1e6, options.cache());
        }
        return freed;
    }

    private static long sizeOf(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The file name the {@code mobilenetv2_nsfw} card names. */
    public static final String PROBE_BACKBONE_FILE = "mobilenetv2_nsfw_early6.onnx";

    // A finished build with the same options: nothing to do but check that its files still hash the same.
    private Result reusable() {
        Path record = options.out().resolve(BUILD_RECORD);
        if (!Files.isRegularFile(record)) {
            return null;
        }
        try {
            JsonNode r = JSON.readTree(record.toFile());
            if (r.path("recipe").asInt() != RECIPE_VERSION || r.path("seed").asLong() != options.seed()
                    || r.path("fakes_per_generator").asInt() != options.fakesPerGenerator()) {
                Log.info("mini benchmark: %s was built with other options; rebuilding", options.out());
                return null;
            }
            String hash = contentHash(options.out());
            if (!hash.equals(r.path("content_hash").asText())) {
                Log.warn("mini benchmark: the files in %s changed since they were built; rebuilding", options.out());
                return null;
            }
            Log.info("mini benchmark: %s is complete; reusing it", options.out());
            return new Result(options.out(), hash, r.path("photos").asInt(), r.path("rows").asInt(), true);
        } catch (IOException e) {
            Log.warn("mini benchmark: %s is unreadable (%s); rebuilding", record, e.getMessage());
            return null;
        }
    }

    /** Keeps the cue check's pooled AUROC in the build record, so that reusing a finished build need not recompute it. */
    public static void recordCueCheck(Path out, double auroc) throws IOException {
        Path record = out.resolve(BUILD_RECORD);
        ObjectNode r = (ObjectNode) JSON.readTree(record.toFile());
        r.put("cue_check_auroc", auroc);
        Files.writeString(record, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r), StandardCharsets.UTF_8);
    }

    /** The cue check AUROC recorded for the finished build in {@code out}, if any. */
    public static java.util.OptionalDouble recordedCueCheck(Path out) {
        try {
            JsonNode r = JSON.readTree(out.resolve(BUILD_RECORD).toFile());
            return r.has("cue_check_auroc") ? java.util.OptionalDouble.of(r.get("cue_check_auroc").asDouble()) : java.util.OptionalDouble.empty();
        } catch (IOException e) {
            return java.util.OptionalDouble.empty();
        }
    }

    private String workKey(List<Photo> photos) {
        StringBuilder s = new StringBuilder();
        photos.forEach(p -> s.append(p.id()).append(','));
        generators.forEach(g -> s.append(g.name()).append(','));
        return "r" + RECIPE_VERSION + "-seed" + options.seed() + "-" + PhotoPool.sha256(s.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }

    private static Path fakeFile(Path work, SamplePlan p) {
        return work.resolve(p.generator().name()).resolve(String.format("%05d-fake.jpg", p.index()));
    }

    private static Path realFile(Path work, SamplePlan p) {
        return work.resolve(p.generator().name()).resolve(String.format("%05d-real.jpg", p.index()));
    }

    /**
     * Makes the missing pairs, generator by generator. Worker threads share one ONNX Runtime session (its
     * run() is thread-safe) with one intra-op thread each: on few cores, overlapping one pair's OpenCV work
     * with another's inference beats giving every inference all the cores.
     */
    private void generate(List<SamplePlan> plans, List<Path> models, Path work) {
        List<SamplePlan> todo = plans.stream().filter(p -> !Files.isRegularFile(realFile(work, p))).toList();
        if (todo.isEmpty()) {
            return;
        }
        Log.info("generating %d fake/real pairs with %d generators (%d already done)", todo.size(), generators.size(), plans.size() - todo.size());
        ExecutorService pool = Executors.newFixedThreadPool(options.threads());
        // On Ctrl-C or SIGTERM the JVM exits while workers may be inside ONNX Runtime, whose native exit
        // handlers then pull its state from under them (a SIGSEGV). The hook lets in-flight pairs finish and
        // skips the queued ones; finished pairs are on disk, so the next build resumes after them.
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            pool.shutdown();
            try {
                pool.awaitTermination(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "mini-benchmark-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Progress progress = Progress.start("generating pairs", todo.size(), "pair")) {
            for (int g = 0; g < generators.size(); g++) {
                GeneratorSpec spec = generators.get(g);
                List<SamplePlan> mine = todo.stream().filter(p -> p.generator().equals(spec)).toList();
                if (mine.isEmpty()) {
                    continue;
                }
                progress.status(spec.name());
                Files.createDirectories(work.resolve(spec.name()));
                long started = System.nanoTime();
                try (Upscaler upscaler = new Upscaler(models.get(g), spec.scale(), 1)) {
                    List<Future<?>> futures = new ArrayList<>();
                    for (SamplePlan p : mine) {
                        futures.add(pool.submit(() -> {
                            if (stopping.get()) {
                                return;
                            }
                            makePair(p, upscaler, work);
                            progress.step();
                        }));
                    }
                    for (Future<?> f : futures) {
                        f.get();
                    }
                    Log.info("%s: %d pairs in %.1f s (ONNX Runtime %.1f s over %d threads)", spec.name(), mine.size(),
                            (System.nanoTime() - started) / 1e9, upscaler.inferenceSeconds(), options.threads());
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UserError u) {
                throw u;
            }
            throw new IllegalStateException("generating pairs failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("generation was interrupted; rerun `genbench make-mini-benchmark` to resume.", e);
        } catch (IOException e) {
            throw new UserError("cannot write under " + work + ": " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyExiting) {
                // The hook is running: it waits for the workers, nothing to undo.
            }
        }
    }

    private static void makePair(SamplePlan p, Upscaler upscaler, Path work) {
        try {
            byte[] bytes = Files.readAllBytes(p.photo().file());
            Mat photo = OpenCvImages.decode(bytes).orElseThrow(() -> new UserError("cannot decode cached photo " + p.photo().file()
                    + "; delete " + p.photo().file().getParent() + " and rerun."));
            try (photo) {
                PairMaker.Pair pair = PairMaker.make(p, photo, upscaler);
                // The real is written last: its presence marks the pair complete for a resumed build.
                atomicWrite(fakeFile(work, p), pair.fakeJpeg());
                atomicWrite(realFile(work, p), pair.realJpeg());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void atomicWrite(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private int write(List<SamplePlan> plans, Path work, Path out) throws IOException {
        Path staging = out.resolveSibling(out.getFileName() + ".partial");
        PhotoPool.deleteTree(staging);
        Files.createDirectories(staging);
        int rows = 0;
        List<String> splitNames = new ArrayList<>();
        try (Progress progress = Progress.start("writing the HF dataset", plans.size() * 2L, "row")) {
            for (Split split : Split.values()) {
                List<HfRow> fakes = new ArrayList<>();
                List<HfRow> reals = new ArrayList<>();
                for (SamplePlan p : plans) {
                    if (p.split() != split) {
                        continue;
                    }
                    fakes.add(fakeRow(p, Files.readAllBytes(fakeFile(work, p))));
                    reals.add(realRow(p, Files.readAllBytes(realFile(work, p))));
                    progress.step(2);
                }
                // As in AI-GenBench: within a split, the fakes come first, then the reals (SPEC §1.1).
                List<HfRow> all = new ArrayList<>(fakes);
                all.addAll(reals);
                String fingerprint = PhotoPool.sha256((workKeyOf(work) + "/" + split.hfName + "/" + all.size()).getBytes(StandardCharsets.UTF_8)).substring(0, 16);
                HfDatasetWriter.writeSplit(staging.resolve(split.hfName), all, MAX_SHARD_BYTES, fingerprint);
                splitNames.add(split.hfName);
                rows += all.size();
            }
        }
        HfDatasetWriter.writeDatasetDict(staging, splitNames);
        writeCatalogue(staging.resolve("generators.csv"));
        // Replace the old dataset only once the new one is complete.
        PhotoPool.deleteTree(out);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
        return rows;
    }

    private static String workKeyOf(Path work) {
        return work.getFileName().toString();
    }

    private static HfRow fakeRow(SamplePlan p, byte[] jpeg) {
        String id = p.fakeFileId();
        return new HfRow(jpeg, p.generator().name() + "-" + String.format("%05d", p.index()) + ".jpg", p.finalW(), p.finalH(), 1,
                p.generator().name(), id, "", "", "", "image/" + p.realFileId(), "mini_genbench", List.of(p.realFileId()));
    }

    private static HfRow realRow(SamplePlan p, byte[] jpeg) {
        Photo photo = p.photo();
        String name = photo.origin().substring(photo.origin().lastIndexOf('/') + 1);
        return new HfRow(jpeg, p.realFileId().replace('/', '_') + ".jpg", p.finalW(), p.finalH(), 0, "", p.realFileId(),
                "photo " + name + " from Debian package " + photo.debPackage(), "", "", "", "debian:" + photo.debPackage(), List.of());
    }

    private void writeCatalogue(Path file) throws IOException {
        StringBuilder s = new StringBuilder("name,release_date\n");
        generators.forEach(g -> s.append(g.name()).append(',').append(g.releaseDate()).append('\n'));
        Files.writeString(file, s, StandardCharsets.UTF_8);
    }

    private void writeBuildRecord(Path out, String hash, int rows, int photos) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        r.put("recipe", RECIPE_VERSION);
        r.put("seed", options.seed());
        r.put("fakes_per_generator", options.fakesPerGenerator());
        r.put("rows", rows);
        r.put("photos", photos);
        r.put("content_hash", hash);
        Files.writeString(out.resolve(BUILD_RECORD), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r), StandardCharsets.UTF_8);
    }

    /**
     * SHA-256 over every file of the dataset except the build record, in sorted path order, each as its
     * relative path, a NUL, its length and its bytes: equal hashes mean byte-identical datasets.
     */
    public static String contentHash(Path root) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals(BUILD_RECORD))
                    .sorted((a, b) -> root.relativize(a).toString().compareTo(root.relativize(b).toString())).toList();
        }
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            digest.update(root.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Long.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
            digest.update(bytes);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
