package dev.genbench.minibench;

import dev.genbench.console.Log;
import dev.genbench.console.Progress;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ONNX models of the mini benchmark: npm packages fetched with {@code npm pack} (no install scripts run),
 * unpacked, and converted by the project's own {@code models/onnx/tfjs2onnx.mjs}. Converted files live in
 * {@code onnx/} of the cache and are reused; the tarballs stay in {@code npm/} as the download cache.
 */
final class ModelStore {
    static final Map<String, String> VERSIONS = Map.of(
            GeneratorSpec.SLIM, "1.0.0",
            GeneratorSpec.MEDIUM, "1.0.0",
            GeneratorSpec.THICK, "1.0.0",
            GeneratorSpec.LEGACY, "1.0.0",
            "nsfwjs", "4.4.0");
    static final String ONNX_PROTO = "onnx-proto@8.0.1";
    /**
     * The frozen ImageNet activations of the nsfwjs MobileNetV2 that the mini benchmark's probe reads: the
     * block outputs 2, 5 and 9 of MINI-BENCHMARK.md plus the expanded (ReLU6) activations of blocks 1, 3 and
     * 6 at 112², 56² and 28², whose wide, high-resolution channels keep more of the upscalers' texture after
     * the mandatory JPEG and noise (next-period AUROC 0.70 → 0.75 on the same data and head).
     */
    static final String PROBE_EARLY_LAYERS = "block_1_expand_relu,block_2_add,block_3_expand_relu,block_5_add,block_6_expand_relu,block_9_add";

    private final Path cache;

    ModelStore(Path cache) {
        this.cache = cache;
    }

    Path onnxFile(String name) {
        return cache.resolve("onnx").resolve(name + ".onnx");
    }

    /** Converts every missing generator model; returns the ONNX file of each generator, in order. */
    List<Path> generators(List<GeneratorSpec> specs) {
        List<GeneratorSpec> missing = specs.stream().filter(g -> !Files.isRegularFile(onnxFile(g.name()))).toList();
        if (!missing.isEmpty()) {
            Set<String> packages = new LinkedHashSet<>();
            missing.forEach(g -> packages.add(g.npmPackage()));
            prepareConverter();
            Map<String, Path> unpacked = new java.util.HashMap<>();
            for (String p : packages) {
                unpacked.put(p, unpack(p));
            }
            try (Progress progress = Progress.start("converting generators to ONNX", missing.size(), "model")) {
                for (GeneratorSpec g : missing) {
                    List<String> extra = g.unitRange()
                            // RRDN models work on 0-1 pixels; the converted graph takes 0-255 like every other generator.
                            ? List.of("--input-scale", Double.toString(1.0 / 255.0))
                            : List.of();
                    convert(unpacked.get(g.npmPackage()).resolve(g.modelDir()), onnxFile(g.name()), extra);
                    progress.step();
                }
            }
            unpacked.values().forEach(ModelStore::deleteQuietly);
        }
        return specs.stream().map(g -> onnxFile(g.name())).toList();
    }

    /** The nsfwjs MobileNetV2 1.0 with its 1104-d early readout, converted if missing. */
    Path probeBackbone() {
        return nsfwBackbone("mobilenet_v2", "mobilenetv2_nsfw_early6", List.of("--early", PROBE_EARLY_LAYERS));
    }

    /** An nsfwjs backbone ({@code mobilenet_v2}, {@code mobilenet_v2_mid}, {@code inception_v3}), converted if missing. */
    Path nsfwBackbone(String model, String onnxName, List<String> converterOptions) {
        Path out = onnxFile(onnxName);
        if (!Files.isRegularFile(out)) {
            prepareConverter();
            Path pkg = unpack("nsfwjs");
            convert(pkg.resolve("dist/models").resolve(model), out, converterOptions);
            deleteQuietly(pkg);
        }
        return out;
    }

    void prepareConverter() {
        Path node = cache.resolve("node");
        if (Files.isDirectory(node.resolve("node_modules/onnx-proto"))) {
            return;
        }
        Log.info("models: installing %s for the converter (npm, install scripts off)", ONNX_PROTO);
        try {
            Files.createDirectories(node);
        } catch (IOException e) {
            throw new UserError("cannot create " + node + ": " + e.getMessage(), e);
        }
        new ExternalCommand("installing the converter's dependency " + ONNX_PROTO + " with npm",
                List.of("npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", node.toString(), ONNX_PROTO),
                node).run(cache.resolve("logs/npm-install.log"));
    }

    /** Fetches (once) and unpacks {@code pkg}; returns the folder holding its package.json. */
    Path unpack(String pkg) {
        Path npm = cache.resolve("npm");
        String version = VERSIONS.get(pkg);
        String tarball = pkg.replace("@", "").replace('/', '-') + "-" + version + ".tgz";
        try {
            Files.createDirectories(npm);
            if (!Files.isRegularFile(npm.resolve(tarball))) {
                Log.info("models: fetching %s@%s (npm pack)", pkg, version);
                new ExternalCommand("fetching " + pkg + "@" + version + " with npm pack",
                        List.of("npm", "pack", "--silent", pkg + "@" + version), npm).run(cache.resolve("logs/npm-pack.log"));
            }
            Path into = npm.resolve(tarball.replace(".tgz", ".unpacked"));
            deleteQuietly(into);
            Files.createDirectories(into);
            new ExternalCommand("unpacking " + tarball, List.of("tar", "-xzf", npm.resolve(tarball).toString(), "-C", into.toString()), npm)
                    .run(cache.resolve("logs/tar.log"));
            return into.resolve("package");
        } catch (IOException e) {
            throw new UserError("cannot write under " + npm + ": " + e.getMessage(), e);
        }
    }

    private void convert(Path modelDir, Path out, List<String> extra) {
        List<String> argv = new ArrayList<>(List.of("node", converterScript().toString(), "--model", modelDir.toString(),
                "--out", out.toString(), "--modules", cache.resolve("node/node_modules").toString()));
        argv.addAll(extra);
        try {
            Files.createDirectories(out.getParent());
        } catch (IOException e) {
            throw new UserError("cannot create " + out.getParent() + ": " + e.getMessage(), e);
        }
        new ExternalCommand("converting " + modelDir.getFileName() + " to ONNX", argv, out.getParent())
                .run(cache.resolve("logs/convert-" + out.getFileName() + ".log"));
    }

    /** models/onnx/tfjs2onnx.mjs of this checkout: searched upward from the working folder, then from the jar. */
    static Path converterScript() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        codeLocation().ifPresent(starts::add);
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path script = dir.resolve("models/onnx/tfjs2onnx.mjs");
                if (Files.isRegularFile(script)) {
                    return script;
                }
            }
        }
        throw new UserError("models/onnx/tfjs2onnx.mjs was not found above " + starts.getFirst()
                + "; run genbench from its checkout (the converter ships with the sources).");
    }

    private static Optional<Path> codeLocation() {
        try {
            return Optional.of(Path.of(ModelStore.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            PhotoPool.deleteTree(dir.getFileName().toString().equals("package") ? dir.getParent() : dir);
        } catch (IOException e) {
            Log.warn("could not delete %s: %s", dir, e.getMessage());
        }
    }
}
