package dev.genbench.minibench;

import dev.genbench.console.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@code photo-sources.tsv}: a file inside a Debian package, and for Qt {@code .rcc} containers
 * which of their entries are photos.
 *
 * @param debPackage the Debian package that ships the file
 * @param path the file's path inside the package, without a leading slash
 * @param rccEntries for a container, a PathMatcher glob selecting its photos; empty for a plain image file
 * @param rccExcluded for a container, a glob of entries to leave out (drawings among photos); empty for none
 */
record PhotoSource(String debPackage, String path, Optional<String> rccEntries, Optional<String> rccExcluded) {

    static final String RESOURCE = "photo-sources.tsv";

    boolean isContainer() {
        return rccEntries.isPresent();
    }

    /** Whether {@code entry}, a path inside this source's container, is one of its photos. */
    boolean selects(String entry) {
        PathMatcher include = FileSystems.getDefault().getPathMatcher("glob:" + rccEntries.orElseThrow());
        Path p = Path.of(entry);
        return include.matches(p)
                && rccExcluded.map(g -> !FileSystems.getDefault().getPathMatcher("glob:" + g).matches(p)).orElse(true);
    }

    /** The built-in list, read from the resource beside this class. */
    static List<PhotoSource> builtIn() {
        try (InputStream in = PhotoSource.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the genbench jar");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UserError("could not read the built-in photo list " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    static List<PhotoSource> parse(List<String> lines) {
        List<PhotoSource> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length < 2 || f.length > 4) {
                throw new IllegalStateException(RESOURCE + ": expected 2 to 4 tab-separated columns in: " + line);
            }
            out.add(new PhotoSource(f[0], f[1],
                    f.length > 2 ? Optional.of(f[2]) : Optional.empty(),
                    f.length > 3 ? Optional.of(f[3]) : Optional.empty()));
        }
        return List.copyOf(out);
    }
}
