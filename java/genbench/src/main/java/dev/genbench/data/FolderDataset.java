package dev.genbench.data;

import dev.genbench.config.DatasetFormat;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Images in folders: {@code <root>/<split>/<generator>/<image>}, with the folder {@code real} holding the
 * real images. Rows are laid out as the AI-GenBench splits are: the fake generators' folders in code-point
 * order, then {@code real}; inside a folder, files (also in sub-folders) in code-point order of their
 * relative paths. A row's {@code file_id} is {@code <generator folder>/<relative path>} and its {@code ID}
 * is its row index. Files whose extension is not an image format's are ignored, as are hidden files.
 *
 * <p>Only paths are held in memory; images are read on demand. Thread-safe for reads.
 */
public final class FolderDataset extends SplitMapDataset {
    /** The folder name of real images. */
    public static final String REAL_FOLDER = "real";
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff", "gif", "jp2", "pgm", "ppm");

    private final Path root;

    private FolderDataset(Path root, Map<String, SplitTable> splits) {
        super(root, DatasetFormat.FOLDER, splits);
        this.root = root;
    }

    public static FolderDataset open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new UserError("The dataset folder " + root + " does not exist; set the dataset path to a folder laid out as <split>/<generator or real>/<image>.");
        }
        List<Path> splitDirs = subfolders(root);
        if (splitDirs.isEmpty()) {
            throw new UserError(root + " has no split folders; lay images out as <split>/<generator or real>/<image>, for example train/real/0001.jpg.");
        }
        splitDirs.sort((a, b) -> Integer.compare(splitRank(a), splitRank(b)) != 0
                ? Integer.compare(splitRank(a), splitRank(b))
                : CodePointOrder.INSTANCE.compare(name(a), name(b)));
        Map<String, SplitTable> splits = new LinkedHashMap<>();
        for (Path dir : splitDirs) {
            splits.put(name(dir), readSplit(dir));
        }
        return new FolderDataset(root, splits);
    }

    private static int splitRank(Path p) {
        return switch (name(p)) {
            case "train" -> 0;
            case "validation" -> 1;
            case "test" -> 2;
            default -> 3;
        };
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private static List<Path> subfolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(Files::isDirectory).filter(p -> !name(p).startsWith(".")).toList());
        } catch (IOException e) {
            throw new UserError("The folder " + dir + " cannot be listed (" + e.getMessage() + ").", e);
        }
    }

    private static SplitTable readSplit(Path dir) {
        String split = name(dir);
        List<Path> generators = subfolders(dir);
        generators.sort((a, b) -> {
            boolean ra = name(a).equals(REAL_FOLDER);
            boolean rb = name(b).equals(REAL_FOLDER);
            return ra != rb ? Boolean.compare(ra, rb) : CodePointOrder.INSTANCE.compare(name(a), name(b));
        });
        if (generators.isEmpty()) {
            throw new UserError("The split folder " + dir + " has no generator folders; put images in " + dir + "/<generator or real>/.");
        }
        List<Byte> labelList = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> codeList = new ArrayList<>();
        StringColumn.Builder fileIds = new StringColumn.Builder();
        for (Path g : generators) {
            boolean real = name(g).equals(REAL_FOLDER);
            int code = names.size();
            names.add(real ? "" : name(g));
            List<String> files;
            try (Stream<Path> walk = Files.walk(g)) {
                files = new ArrayList<>(walk.filter(Files::isRegularFile)
                        .filter(p -> !name(p).startsWith("."))
                        .filter(FolderDataset::isImage)
                        .map(p -> g.relativize(p).toString().replace('\\', '/'))
                        .toList());
            } catch (IOException e) {
                throw new UserError("The folder " + g + " cannot be listed (" + e.getMessage() + ").", e);
            }
            files.sort(CodePointOrder.INSTANCE);
            for (String f : files) {
                labelList.add((byte) (real ? 0 : 1));
                codeList.add(code);
                fileIds.add(name(g) + "/" + f);
            }
        }
        byte[] labels = new byte[labelList.size()];
        int[] codes = new int[codeList.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = labelList.get(i);
            codes[i] = codeList.get(i);
        }
        StringColumn ids = fileIds.build();
        return new SplitTable(split, labels, codes, names, null, ids, new FileImages(split, dir, ids));
    }

    static boolean isImage(Path p) {
        String n = name(p);
        int dot = n.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }





    @Override
    public Optional<Path> catalogueFile() {
        return catalogueIn(root);
    }

    @Override
    public void close() {}
}
