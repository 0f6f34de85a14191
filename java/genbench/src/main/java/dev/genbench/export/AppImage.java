package dev.genbench.export;

import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Builds the standalone detector's app image for linux-x86_64 from the running framework's own class path:
 *
 * <pre>
 * detector/bin/detector          launcher (sh)
 * detector/runtime/              a jlink runtime with only the JDK modules jdeps finds the jars use
 * detector/lib/*.jar             the detector, imaging and base jars, OpenCV/JavaCPP/ONNX Runtime classes
 *                                (ONNX Runtime's jar without its native libraries for other platforms)
 * detector/lib/native/           the native libraries actually loaded, pre-extracted and loaded in order by
 *                                the detector itself: ONNX Runtime (CPU), OpenCV core/imgproc/imgcodecs with
 *                                their JNI glue, OpenBLAS (OpenCV core links it) and its Fortran runtime,
 *                                JavaCPP's own glue
 * detector/lib/detector.aot      with --aot-cache: an ahead-of-time class cache recorded from a scoring run
 * detector/model/detector.onnx   the exported model, the default --model
 * </pre>
 *
 * Nothing of training (engine, config, data readers, Arrow, picocli, Jackson) goes in. Stateless.
 */
public final class AppImage {
    static final String MAIN = "dev.genbench.detector.Main";
    /** Class-path entries the detector needs, by artifact name: the module jars (or classes folders) and libraries. */
    private static final List<String> ARTIFACTS = List.of("genbench-detector", "genbench-imaging", "genbench-base", "progressbar",
            "jline-terminal", "javacpp", "opencv", "openblas", "onnxruntime");
    /** Per platform-jar artifact: the native files kept, from its linux-x86_64 folder. */
    private static final Map<String, List<String>> NATIVES = Map.of(
            "javacpp", List.of("libjnijavacpp.so"),
            "opencv", List.of("libjniopencv_core.so", "libjniopencv_imgproc.so", "libjniopencv_imgcodecs.so", "libopencv_core.so.413",
                    "libopencv_imgproc.so.413", "libopencv_imgcodecs.so.413"),
            "openblas", List.of("libopenblas.so.0", "libgfortran.so.5", "libquadmath.so.0", "libgcc_s.so.1"),
            "onnxruntime", List.of("libonnxruntime.so", "libonnxruntime4j_jni.so"));

    /** What was built and how large it is. */
    public record Built(Path folder, Path launcher, long bytes, boolean aotCache) {}

    private AppImage() {}

    /**
     * @param aotCache record an ahead-of-time class cache: about twice as fast a start, 17 MB more
     */
    public static Built build(Path model, Path folder, boolean aotCache) {
        if (!System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")
                || !System.getProperty("os.arch").equals("amd64")) {
            throw new UserError("the detector app image is built for linux-x86_64 and must be built there; this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        try {
            deleteRecursively(folder);
            Path lib = Files.createDirectories(folder.resolve("lib"));
            Path natives = Files.createDirectories(lib.resolve("native"));
            Files.createDirectories(folder.resolve("model"));
            Files.copy(model, folder.resolve("model").resolve(DetectorExport.ONNX), StandardCopyOption.REPLACE_EXISTING);
            List<Path> jars = new ArrayList<>();
            for (String artifact : ARTIFACTS) {
                jars.add(classesJar(artifact, lib));
                List<String> wanted = NATIVES.get(artifact);
                if (wanted != null) {
                    extractNatives(artifact, wanted, natives);
                }
            }
            String modules = jdeps(jars);
            Log.info("app image: JDK modules %s", modules);
            List<String> jlink = new ArrayList<>(List.of("--add-modules", modules, "--strip-debug", "--no-man-pages", "--no-header-files",
                    "--compress", "zip-9", "--output", folder.resolve("runtime").toString()));
            run("jlink", jlink.toArray(String[]::new));
            stripRuntimeLibraries(folder.resolve("runtime"));
            Path launcher = writeLauncher(folder);
            boolean aot = aotCache && recordAotCache(folder, launcher);
            return new Built(folder, launcher, size(folder), aot);
        } catch (IOException e) {
            throw new UserError("cannot build the detector app image in '" + folder + "': " + e.getMessage(), e);
        }
    }

    /** The class-path entry of {@code artifact} (a jar, or a module's classes folder) as a jar in {@code lib}, natives left out. */
    private static Path classesJar(String artifact, Path lib) throws IOException {
        Path entry = classPathEntry(artifact, false).orElseThrow(() -> new UserError("the detector's '" + artifact
                + "' is not on genbench's class path; rebuild with ./mvnw -DskipTests package"));
        Path target = lib.resolve(artifact + ".jar");
        try (OutputStream os = Files.newOutputStream(target); ZipOutputStream out = new ZipOutputStream(os)) {
            if (Files.isDirectory(entry)) {
                try (Stream<Path> files = Files.walk(entry)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        out.putNextEntry(new ZipEntry(entry.relativize(f).toString().replace('\\', '/')));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
            } else {
                try (ZipFile zip = new ZipFile(entry.toFile())) {
                    for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                        // ONNX Runtime bundles every platform's libraries; they come pre-extracted instead.
                        if (e.isDirectory() || e.getName().startsWith("ai/onnxruntime/native/") || e.getName().endsWith(".so")) {
                            continue;
                        }
                        out.putNextEntry(new ZipEntry(e.getName()));
                        try (InputStream in = zip.getInputStream(e)) {
                            in.transferTo(out);
                        }
                        out.closeEntry();
                    }
                }
            }
        }
        return target;
    }

    private static void extractNatives(String artifact, List<String> wanted, Path natives) throws IOException {
        Path jar = artifact.equals("onnxruntime") ? classPathEntry(artifact, false).orElseThrow()
                : classPathEntry(artifact, true).orElseThrow(() -> new UserError("the linux-x86_64 native jar of '" + artifact
                        + "' is not on genbench's class path"));
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String name : wanted) {
                ZipEntry found = java.util.Collections.list(zip.entries()).stream()
                        .filter(e -> e.getName().endsWith("/" + name) && (e.getName().contains("/linux-x86_64/") || e.getName().contains("/linux-x64/")))
                        .findFirst().orElseThrow(() -> new UserError("'" + jar.getFileName() + "' has no linux-x86_64 " + name));
                try (InputStream in = zip.getInputStream(found)) {
                    Files.copy(in, natives.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The entry of {@code java.class.path} for an artifact: its jar (platform jar when asked) or its module's classes folder. */
    static Optional<Path> classPathEntry(String artifact, boolean platformJar) {
        for (String s : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(s);
            String name = p.getFileName().toString();
            if (Files.isDirectory(p)) {
                // A reactor module in development: <module>/target/classes, artifact genbench-<module>.
                Path module = p.getParent() == null ? null : p.getParent().getParent();
                if (!platformJar && module != null && p.getFileName().toString().equals("classes")
                        && ("genbench-" + module.getFileName()).equals(artifact)) {
                    return Optional.of(p);
                }
                continue;
            }
            boolean platform = name.contains("-linux-x86_64");
            if (name.startsWith(artifact + "-") && Character.isDigit(name.charAt(artifact.length() + 1)) && platform == platformJar
                    && name.endsWith(".jar")) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static String jdeps(List<Path> jars) {
        String cp = String.join(java.io.File.pathSeparator, jars.stream().map(Path::toString).toList());
        String out = run("jdeps", "--print-module-deps", "--ignore-missing-deps", "--multi-release", String.valueOf(Runtime.version().feature()),
                "-cp", cp, jars.getFirst().toString()).strip();
        // java.desktop is referenced only by OpenCV/JavaCPP's Java2D converters, which the detector never loads;
        // leaving it out saves 15 MB (AWT, fonts). Added: the HTTP server (detector serve) and the unsupported
        // module JavaCPP and ONNX Runtime use for direct memory.
        java.util.Set<String> modules = new java.util.TreeSet<>(List.of(out.split(",")));
        modules.remove("java.desktop");
        modules.add("jdk.httpserver");
        modules.add("jdk.unsupported");
        return String.join(",", modules);
    }

    /** The JDK's own libraries keep their symbol tables (5 MB in the JVM library alone); {@code strip} drops them when present. */
    private static void stripRuntimeLibraries(Path runtime) throws IOException {
        Optional<Path> strip = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(d -> Path.of(d, "strip")).filter(Files::isExecutable).findFirst();
        if (strip.isEmpty()) {
            Log.info("app image: no strip on PATH; the runtime's libraries keep their symbols (about 5 MB)");
            return;
        }
        List<String> command = new ArrayList<>(List.of(strip.get().toString(), "--strip-unneeded"));
        try (Stream<Path> s = Files.walk(runtime)) {
            s.filter(p -> p.getFileName().toString().endsWith(".so")).forEach(p -> command.add(p.toString()));
        }
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                Log.warn("app image: strip failed, the runtime keeps its symbols: %s", output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path writeLauncher(Path folder) throws IOException {
        Path bin = Files.createDirectories(folder.resolve("bin"));
        Path launcher = bin.resolve("detector");
        String script = """
                #!/bin/sh
                # The standalone detector (genbench export). Usage: detector --help
                # DETECTOR_JAVA_OPTS passes JVM flags (for example -Xmx2g).
                here="$(cd "$(dirname "$0")/.." && pwd)"
                aot=""
                [ -f "$here/lib/detector.aot" ] && aot="-XX:AOTCache=$here/lib/detector.aot"
                export OPENCV_LOG_LEVEL="${OPENCV_LOG_LEVEL:-ERROR}"
                exec "$here/runtime/bin/java" $aot -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss1m \\
                  --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \\
                  -Ddetector.natives="$here/lib/native" -Donnxruntime.native.path="$here/lib/native" -Ddetector.model="$here/model/detector.onnx" \\
                  ${DETECTOR_JAVA_OPTS:-} -cp "$here/lib/*" %s "$@"
                """.formatted(MAIN);
        Files.writeString(launcher, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    /**
     * Records the classes a scoring run loads into an ahead-of-time cache (JDK 25's {@code -XX:AOTCacheOutput}),
     * scoring a synthetic image. An image without the cache still works, only starts slower, so a failure here
     * is a warning.
     */
    private static boolean recordAotCache(Path folder, Path launcher) throws IOException {
        Path sample = Files.createTempFile("detector-aot-sample", ".png");
        try {
            writeSampleImage(sample);
            Path aot = folder.resolve("lib").resolve("detector.aot");
            ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "score", sample.toString()).redirectErrorStream(true);
            pb.environment().put("DETECTOR_JAVA_OPTS", "-XX:AOTCacheOutput=" + aot);
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean scored = output.contains(sample + "\t");
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0 || !scored || !Files.isRegularFile(aot)) {
                Log.warn("app image: no ahead-of-time cache (the detector starts slower): %s", output.strip());
                Files.deleteIfExists(aot);
                return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            Files.deleteIfExists(sample);
        }
    }

    /** A 320×240 colour gradient PNG, enough to walk the whole scoring path. */
    private static void writeSampleImage(Path file) {
        try (var mat = new org.bytedeco.opencv.opencv_core.Mat(240, 320, org.bytedeco.opencv.global.opencv_core.CV_8UC3);
                var idx = mat.<org.bytedeco.javacpp.indexer.UByteIndexer>createIndexer()) {
            for (int y = 0; y < 240; y++) {
                for (int x = 0; x < 320; x++) {
                    idx.put(y, x, 0, x * 255 / 319);
                    idx.put(y, x, 1, y * 255 / 239);
                    idx.put(y, x, 2, (x + y) % 256);
                }
            }
            org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(file.toString(), mat);
        }
    }

    private static String run(String tool, String... args) {
        ToolProvider provider = ToolProvider.findFirst(tool).orElseThrow(() -> new UserError("the JDK running genbench has no " + tool
                + "; run genbench with a full JDK 25 (not a JRE) to build the detector app image"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = provider.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        if (status != 0) {
            throw new UserError(tool + " failed (" + status + "): " + err.toString(StandardCharsets.UTF_8).strip()
                    + " " + out.toString(StandardCharsets.UTF_8).strip());
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static long size(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        if (!Files.isRegularFile(folder.resolve("bin").resolve("detector")) || !Files.isDirectory(folder.resolve("runtime"))) {
            throw new UserError("'" + folder + "' exists and is not a detector app image; move it away or choose another --out");
        }
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
