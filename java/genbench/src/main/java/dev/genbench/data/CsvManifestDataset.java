package dev.genbench.data;

import dev.genbench.config.DatasetFormat;
import dev.genbench.console.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CSV manifest with a header line and one image per row. Columns (any order, others ignored):
 * {@code split}, {@code path} (relative to the manifest's folder, or absolute) and {@code generator} (empty
 * or {@code real} for real images) are required; {@code label} (0/1), {@code file_id} (default: the path)
 * and {@code id} (default: the row index in its split) are optional. Rows keep the manifest's order within
 * each split. Fields may be double-quoted (RFC 4180).
 *
 * <p>Images are read on demand. Thread-safe for reads.
 */
public final class CsvManifestDataset extends SplitMapDataset {
    private final Path manifest;

    private CsvManifestDataset(Path manifest, Map<String, SplitTable> splits) {
        super(manifest, DatasetFormat.CSV, splits);
        this.manifest = manifest;
    }

    private static final class SplitBuilder {
        final List<Byte> labels = new ArrayList<>();
        final List<Integer> codes = new ArrayList<>();
        final List<Long> ids = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final Map<String, Integer> codeOf = new HashMap<>();
        final StringColumn.Builder paths = new StringColumn.Builder();
        final StringColumn.Builder fileIds = new StringColumn.Builder();
    }

    public static CsvManifestDataset open(Path manifest) {
        if (!Files.isRegularFile(manifest)) {
            throw new UserError("The dataset manifest " + manifest + " does not exist; give a CSV file with split,path,generator columns.");
        }
        Path base = manifest.toAbsolutePath().getParent();
        Map<String, SplitBuilder> builders = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
            String headerLine = in.readLine();
            if (headerLine == null) {
                throw new UserError(manifest + " is empty; its first line must name the columns, at least split,path,generator.");
            }
            List<String> header = parseLine(stripBom(headerLine), manifest, 1);
            int split = header.indexOf("split");
            int path = header.indexOf("path");
            int generator = header.indexOf("generator");
            int label = header.indexOf("label");
            int fileId = header.indexOf("file_id");
            int id = header.indexOf("id");
            for (String[] col : new String[][] {{"split", "" + split}, {"path", "" + path}, {"generator", "" + generator}}) {
                if (Integer.parseInt(col[1]) < 0) {
                    throw new UserError(manifest + " has no \"" + col[0] + "\" column (its header is " + headerLine + "); the manifest needs split, path and generator.");
                }
            }
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = parseLine(line, manifest, lineNo);
                if (f.size() < header.size()) {
                    throw new UserError(manifest + " line " + lineNo + " has " + f.size() + " fields where the header has " + header.size() + "; fill every column.");
                }
                SplitBuilder b = builders.computeIfAbsent(f.get(split), s -> new SplitBuilder());
                String g = f.get(generator);
                boolean real = g.isEmpty() || g.equals(FolderDataset.REAL_FOLDER);
                String gen = real ? "" : g;
                int lab = real ? 0 : 1;
                if (label >= 0) {
                    String v = f.get(label).strip();
                    if (!v.equals("0") && !v.equals("1")) {
                        throw new UserError(manifest + " line " + lineNo + " has label \"" + v + "\"; use 0 (real) or 1 (fake).");
                    }
                    lab = Integer.parseInt(v);
                }
                long rowId = b.labels.size();
                if (id >= 0) {
                    try {
                        rowId = Long.parseLong(f.get(id).strip());
                    } catch (NumberFormatException e) {
                        throw new UserError(manifest + " line " + lineNo + " has id \"" + f.get(id) + "\"; ids must be integers.");
                    }
                }
                Integer code = b.codeOf.get(gen);
                if (code == null) {
                    code = b.names.size();
                    b.names.add(gen);
                    b.codeOf.put(gen, code);
                }
                b.labels.add((byte) lab);
                b.codes.add(code);
                b.ids.add(rowId);
                b.paths.add(f.get(path));
                b.fileIds.add(fileId >= 0 ? f.get(fileId) : f.get(path));
            }
        } catch (IOException e) {
            throw new UserError("The dataset manifest " + manifest + " cannot be read (" + e.getMessage() + ").", e);
        }
        if (builders.isEmpty()) {
            throw new UserError(manifest + " lists no images; add one line per image after the header.");
        }
        Map<String, SplitTable> splits = new LinkedHashMap<>();
        for (var e : builders.entrySet()) {
            SplitBuilder b = e.getValue();
            int n = b.labels.size();
            byte[] labels = new byte[n];
            int[] codes = new int[n];
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                labels[i] = b.labels.get(i);
                codes[i] = b.codes.get(i);
                ids[i] = b.ids.get(i);
            }
            splits.put(e.getKey(), new SplitTable(e.getKey(), labels, codes, b.names, ids, b.fileIds.build(),
                    new FileImages(e.getKey(), base, b.paths.build())));
        }
        return new CsvManifestDataset(manifest, splits);
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** One RFC 4180 line (quoted fields may hold commas and doubled quotes, not line breaks). */
    static List<String> parseLine(String line, Path file, int lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"' && cur.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new UserError(file + " line " + lineNo + " has an unclosed quote; close it or remove it.");
        }
        out.add(cur.toString());
        return out;
    }





    @Override
    public Optional<Path> catalogueFile() {
        return catalogueIn(manifest.toAbsolutePath().getParent());
    }

    @Override
    public void close() {}
}
