package dev.genbench.minibench;

import dev.genbench.console.Log;
import dev.genbench.console.Progress;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The real photos: fetched as Debian packages ({@code apt-get download}, never installed), only the listed
 * files extracted, Qt resource containers opened with {@link RccReader}, exact and near duplicates removed.
 * The result is cached as {@code photos/<id>.<ext>} plus {@code photos/index.tsv}; the index is written
 * last, so its presence means the stage is complete and a rerun reuses it.
 */
final class PhotoPool {
    /** Two photos whose difference hashes differ in at most this many of 64 bits are one photo. */
    static final int NEAR_DUPLICATE_BITS = 3;
    private static final String INDEX = "index.tsv";
    /** The floor for the pool; fewer means the package contents changed under the list. */
    static final int MIN_PHOTOS = 350;

    private PhotoPool() {}

    /** The cached pool under {@code cache}, collecting it first when it is missing. */
    static List<Photo> obtain(Path cache, List<PhotoSource> sources) {
        Path dir = cache.resolve("photos");
        Path index = dir.resolve(INDEX);
        String fingerprint = fingerprint(sources);
        if (Files.isRegularFile(index)) {
            if (fingerprint.equals(readFingerprint(dir))) {
                return readIndex(dir);
            }
            Log.info("photos: the photo list changed since %s was made; collecting again", index);
        }
        try {
            // A fresh collection: photos of an older list must not linger beside the new index.
            deleteTree(dir);
            Files.createDirectories(dir);
            Path debs = cache.resolve("debs");
            Files.createDirectories(debs);
            Map<String, List<PhotoSource>> byPackage = new LinkedHashMap<>();
            sources.forEach(s -> byPackage.computeIfAbsent(s.debPackage(), k -> new ArrayList<>()).add(s));
            download(debs, byPackage.keySet().stream().filter(p -> findDeb(debs, p).isEmpty()).toList());
            List<Candidate> candidates = new ArrayList<>();
            Path scratch = cache.resolve("extract.tmp");
            try (Progress progress = Progress.start("extracting photos", byPackage.size(), "pkg")) {
                for (var e : byPackage.entrySet()) {
                    deleteTree(scratch);
                    Files.createDirectories(scratch);
                    Path deb = findDeb(debs, e.getKey()).orElseThrow();
                    extract(deb, scratch, e.getValue().stream().map(PhotoSource::path).distinct().toList(), cache);
                    for (PhotoSource source : e.getValue()) {
                        candidates.addAll(read(scratch, source));
                    }
                    progress.step();
                }
            } finally {
                deleteTree(scratch);
            }
            List<Photo> photos = deduplicate(candidates, dir);
            writeIndex(dir, photos, fingerprint);
            if (photos.size() < MIN_PHOTOS) {
                Log.warn("photos: only %d distinct photos (fewer than %d); a package may have changed its contents", photos.size(), MIN_PHOTOS);
            }
            Log.info("photos: %d distinct photos from %d packages (%d files read, duplicates removed)",
                    photos.size(), byPackage.size(), candidates.size());
            return photos;
        } catch (IOException e) {
            throw new UserError("collecting photos under " + dir + " failed (" + e.getMessage()
                    + "); free disk space or delete the folder, then rerun `genbench make-mini-benchmark`.", e);
        }
    }

    private record Candidate(String debPackage, String origin, byte[] bytes, String sha256, int width, int height, long dhash) {
        long pixels() {
            return (long) width * height;
        }
    }

    private static void download(Path debs, List<String> packages) {
        if (packages.isEmpty()) {
            return;
        }
        Log.info("photos: downloading %d Debian packages (%s)", packages.size(), String.join(", ", packages));
        List<String> argv = new ArrayList<>(List.of("apt-get", "download"));
        argv.addAll(packages);
        new ExternalCommand("downloading Debian packages with apt-get", argv, debs).run(debs.resolve("apt-get.log"));
    }

    static Optional<Path> findDeb(Path debs, String pkg) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(debs, pkg + "_*.deb")) {
            for (Path p : ds) {
                return Optional.of(p);
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Only the listed members leave the archive: whole packages would take ~800 MB on disk.
    private static void extract(Path deb, Path into, List<String> paths, Path cache) {
        List<String> argv = new ArrayList<>(List.of("bash", "-c",
                "set -o pipefail; dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" \"${@:3}\"", "extract",
                deb.toString(), into.toString()));
        paths.forEach(p -> argv.add("./" + p));
        new ExternalCommand("extracting photos from " + deb.getFileName(), argv, into).run(cache.resolve("logs/extract.log"));
    }

    private static List<Candidate> read(Path root, PhotoSource source) throws IOException {
        Path file = root.resolve(source.path());
        if (!Files.isRegularFile(file)) {
            throw new UserError(source.debPackage() + " has no " + source.path() + " (the package version may have changed);"
                    + " delete its .deb from the cache and rerun, or report the missing photo.");
        }
        List<Candidate> out = new ArrayList<>();
        if (source.isContainer()) {
            for (RccReader.Entry entry : RccReader.readAll(file)) {
                if (source.selects(entry.path())) {
                    candidate(source.debPackage(), source.path() + " :: " + entry.path(), entry.bytes()).ifPresent(out::add);
                }
            }
        } else {
            candidate(source.debPackage(), source.path(), Files.readAllBytes(file)).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<Candidate> candidate(String pkg, String origin, byte[] bytes) {
        Optional<Mat> decoded = OpenCvImages.decode(bytes);
        if (decoded.isEmpty()) {
            Log.warn("photos: OpenCV cannot decode %s from %s; skipped", origin, pkg);
            return Optional.empty();
        }
        try (Mat m = decoded.get()) {
            return Optional.of(new Candidate(pkg, origin, bytes, sha256(bytes), m.cols(), m.rows(), OpenCvImages.differenceHash(m)));
        }
    }

    // Keeps, of each group of exact or near duplicates, the largest copy; ties go to the first listed.
    private static List<Photo> deduplicate(List<Candidate> candidates, Path dir) throws IOException {
        List<Candidate> ordered = new ArrayList<>(candidates);
        ordered.sort(Comparator.comparingLong(Candidate::pixels).reversed());
        List<Candidate> kept = new ArrayList<>();
        for (Candidate c : ordered) {
            boolean duplicate = kept.stream().anyMatch(k -> k.sha256().equals(c.sha256())
                    || Long.bitCount(k.dhash() ^ c.dhash()) <= NEAR_DUPLICATE_BITS);
            if (!duplicate) {
                kept.add(c);
            }
        }
        List<Photo> photos = new ArrayList<>();
        for (Candidate c : kept) {
            String id = c.sha256().substring(0, 16);
            Path file = dir.resolve(id + "." + extension(c.origin()));
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.write(tmp, c.bytes());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            photos.add(new Photo(id, file, c.width(), c.height(), c.debPackage(), c.origin()));
        }
        photos.sort(Comparator.comparing(Photo::id));
        return List.copyOf(photos);
    }

    private static String extension(String origin) {
        String name = origin.substring(origin.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "img" : name.substring(dot + 1);
    }

    /** Identifies the photo list (and the duplicate rule) that a cached index was collected with. */
    static String fingerprint(List<PhotoSource> sources) {
        StringBuilder s = new StringBuilder("near-duplicate-bits=" + NEAR_DUPLICATE_BITS + "\n");
        sources.forEach(x -> s.append(x).append('\n'));
        return sha256(s.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    private static String readFingerprint(Path dir) {
        try {
            return Files.readString(dir.resolve(INDEX + ".sources")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void writeIndex(Path dir, List<Photo> photos, String fingerprint) throws IOException {
        Files.writeString(dir.resolve(INDEX + ".sources"), fingerprint + "\n", StandardCharsets.UTF_8);
        StringBuilder s = new StringBuilder("id\twidth\theight\tpackage\torigin\tfile\n");
        for (Photo p : photos) {
            s.append(p.id()).append('\t').append(p.width()).append('\t').append(p.height()).append('\t')
                    .append(p.debPackage()).append('\t').append(p.origin()).append('\t').append(p.file().getFileName()).append('\n');
        }
        Path tmp = dir.resolve(INDEX + ".tmp");
        Files.writeString(tmp, s, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(INDEX), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<Photo> readIndex(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(INDEX), StandardCharsets.UTF_8);
            List<Photo> photos = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t");
                Path file = dir.resolve(f[5]);
                if (!Files.isRegularFile(file)) {
                    throw new UserError(dir.resolve(INDEX) + " lists " + f[5] + ", which is missing; delete " + dir + " and rerun.");
                }
                photos.add(new Photo(f[0], file, Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3], f[4]));
            }
            return List.copyOf(photos);
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserError u) {
                throw u;
            }
            throw new UserError(dir.resolve(INDEX) + " is unreadable (" + e.getMessage() + "); delete " + dir + " and rerun.", e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
