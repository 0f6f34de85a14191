package dev.genbench.io;

import dev.genbench.console.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One evaluation's predictions, as the original's {@code predictions_<stage>_*.npz} files hold them
 * (SPEC §9): N images ({@code fused_*}) and M crops ({@code crop_*}, M = N without multicrop), plus the
 * benchmark's generator names, windows timeline and real/generator pairing.
 *
 * <p>Two deliberate differences from the original, both from SPEC §12: {@code crop_to_image_index} is a
 * global index into the fused rows (the original's restarts in every batch, item 13), and a ragged
 * timeline is padded with {@code ""} so it stays a 2-D array (item 21).
 *
 * <p>The record owns its arrays and does not copy them.
 *
 * @param pairing for each image, the generator a real image is paired with, -1 for fakes
 */
public record PredictionsFile(
        float[] fusedScores, long[] fusedLabels, long[] fusedGeneratorIds, long[] fusedIdentifiers, float[] fusedLosses,
        float[] cropScores, long[] cropLabels, long[] cropGeneratorIds, long[] cropIdentifiers, float[] cropLosses,
        long[] cropToImageIndex, Optional<Multiclass> multiclass,
        List<String> generatorIdToName, List<List<String>> windowsTimeline, long[] pairing) {

    /**
     * Raw logits of multiclass training, row-major: {@code fused} is [N, classes], {@code crop} is
     * [M, classes] (SPEC §9: only written when training is multiclass).
     */
    public record Multiclass(int classes, float[] fused, float[] crop) {}

    public PredictionsFile {
        int n = fusedScores.length;
        int m = cropScores.length;
        requireLength("fused_labels", fusedLabels.length, n);
        requireLength("fused_generator_ids", fusedGeneratorIds.length, n);
        requireLength("fused_identifiers", fusedIdentifiers.length, n);
        requireLength("fused_losses", fusedLosses.length, n);
        requireLength("pairing", pairing.length, n);
        requireLength("crop_labels", cropLabels.length, m);
        requireLength("crop_generator_ids", cropGeneratorIds.length, m);
        requireLength("crop_identifiers", cropIdentifiers.length, m);
        requireLength("crop_losses", cropLosses.length, m);
        requireLength("crop_to_image_index", cropToImageIndex.length, m);
        for (int c = 0; c < m; c++) {
            if (cropToImageIndex[c] < 0 || cropToImageIndex[c] >= n) {
                throw new IllegalArgumentException("crop_to_image_index[" + c + "] = " + cropToImageIndex[c]
                        + " is not an image row (0.." + (n - 1) + ")");
            }
        }
        multiclass.ifPresent(mc -> {
            requireLength("fused_multiclass_predictions", mc.fused().length, (long) n * mc.classes());
            requireLength("crop_multiclass_predictions", mc.crop().length, (long) m * mc.classes());
        });
        generatorIdToName = List.copyOf(generatorIdToName);
        var timeline = new ArrayList<List<String>>();
        for (List<String> w : windowsTimeline) {
            timeline.add(List.copyOf(w));
        }
        windowsTimeline = List.copyOf(timeline);
    }

    private static void requireLength(String key, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(key + " has " + actual + " values, expected " + expected);
        }
    }

    public int images() {
        return fusedScores.length;
    }

    public int crops() {
        return cropScores.length;
    }

    /** {@code predictions_<stage>_epoch=<epoch>-step=<step>.npz}, the file of one evaluation. */
    public static String epochFileName(String stage, long epoch, long step) {
        return "predictions_" + stage + "_epoch=" + epoch + "-step=" + step + ".npz";
    }

    /** {@code predictions_<stage>_all.npz}, the copy of the latest evaluation. */
    public static String latestFileName(String stage) {
        return "predictions_" + stage + "_all.npz";
    }

    /**
     * Writes the epoch file and replaces the {@code _all} copy beside it, both atomically, as the
     * original's merge step leaves them. Returns the epoch file's path.
     */
    public Path writeEvaluation(Path windowDir, String stage, long epoch, long step) {
        Path file = windowDir.resolve(epochFileName(stage, epoch, step));
        write(file);
        AtomicFiles.copy(file, windowDir.resolve(latestFileName(stage)));
        return file;
    }

    /** Writes this file's arrays, keys in the order of SPEC §9, atomically. */
    public void write(Path file) {
        Npz.write(file, arrays());
    }

    /** The arrays as they are written: SPEC §9's keys, dtypes and shapes, in that order. */
    public Map<String, NpyArray> arrays() {
        int n = images();
        int m = crops();
        var a = new LinkedHashMap<String, NpyArray>();
        a.put("fused_scores", NpyArray.of(fusedScores));
        a.put("fused_labels", NpyArray.of(fusedLabels));
        a.put("fused_generator_ids", NpyArray.of(fusedGeneratorIds));
        a.put("fused_identifiers", NpyArray.of(fusedIdentifiers));
        a.put("fused_losses", NpyArray.of(fusedLosses));
        a.put("crop_scores", NpyArray.of(cropScores));
        a.put("crop_labels", NpyArray.of(cropLabels));
        a.put("crop_generator_ids", NpyArray.of(cropGeneratorIds));
        a.put("crop_identifiers", NpyArray.of(cropIdentifiers));
        a.put("crop_losses", NpyArray.of(cropLosses));
        a.put("crop_to_image_index", NpyArray.of(cropToImageIndex));
        a.put("identifier", NpyArray.of(fusedIdentifiers));
        multiclass.ifPresent(mc -> {
            a.put("fused_multiclass_predictions", new NpyArray.Float32(mc.fused(), new int[] {n, mc.classes()}));
            a.put("crop_multiclass_predictions", new NpyArray.Float32(mc.crop(), new int[] {m, mc.classes()}));
        });
        a.put("generator_id_to_name", NpyArray.of(generatorIdToName.toArray(String[]::new)));
        int width = 0;
        for (List<String> w : windowsTimeline) {
            width = Math.max(width, w.size());
        }
        String[] grid = new String[windowsTimeline.size() * width];
        Arrays.fill(grid, "");
        for (int w = 0; w < windowsTimeline.size(); w++) {
            List<String> names = windowsTimeline.get(w);
            for (int j = 0; j < names.size(); j++) {
                grid[w * width + j] = names.get(j);
            }
        }
        a.put("windows_timeline", new NpyArray.Unicode(grid, new int[] {windowsTimeline.size(), width}));
        a.put("pairing", NpyArray.of(pairing));
        return a;
    }

    /**
     * Reads a predictions file written by genbench or by the original, checking every key of SPEC §9.
     * {@code identifier} may be missing (it repeats {@code fused_identifiers}); padding {@code ""} is
     * dropped from the timeline.
     *
     * @throws UserError naming the file and the key that is missing or of the wrong dtype or shape
     */
    public static PredictionsFile read(Path file) {
        Map<String, NpyArray> a = Npz.read(file);
        var r = new KeyReader(file, a);
        float[] fusedScores = r.float32("fused_scores", 1);
        float[] cropScores = r.float32("crop_scores", 1);
        Optional<Multiclass> multiclass = Optional.empty();
        if (a.containsKey("crop_multiclass_predictions") || a.containsKey("fused_multiclass_predictions")) {
            NpyArray.Float32 fused = r.float32Array("fused_multiclass_predictions", 2);
            NpyArray.Float32 crop = r.float32Array("crop_multiclass_predictions", 2);
            multiclass = Optional.of(new Multiclass(fused.shape()[1], fused.data(), crop.data()));
        }
        try {
            return new PredictionsFile(fusedScores, r.int64("fused_labels"), r.int64("fused_generator_ids"),
                    r.int64("fused_identifiers"), r.float32("fused_losses", 1), cropScores, r.int64("crop_labels"),
                    r.int64("crop_generator_ids"), r.int64("crop_identifiers"), r.float32("crop_losses", 1),
                    r.int64("crop_to_image_index"), multiclass, r.names(), r.timeline(), r.int64("pairing"));
        } catch (IllegalArgumentException e) {
            throw new UserError("Predictions file " + file + " is inconsistent: " + e.getMessage() + ".", e);
        }
    }

    /** Typed access to the keys of one file, with errors that name the file and the key. */
    public record KeyReader(Path file, Map<String, NpyArray> arrays) {

        public NpyArray require(String key) {
            NpyArray a = arrays.get(key);
            if (a == null) {
                throw new UserError("Predictions file " + file + " has no key '" + key + "'; it holds "
                        + arrays.keySet() + ".");
            }
            return a;
        }

        public NpyArray.Float32 float32Array(String key, int rank) {
            NpyArray a = require(key);
            if (!(a instanceof NpyArray.Float32 f) || a.shape().length != rank) {
                throw wrong(key, a, "float32 (<f4) with " + rank + " dimension" + (rank == 1 ? "" : "s"));
            }
            return f;
        }

        public float[] float32(String key, int rank) {
            return float32Array(key, rank).data();
        }

        public long[] int64(String key) {
            NpyArray a = require(key);
            if (a.shape().length != 1) {
                throw wrong(key, a, "a 1-D int64 (<i8) array");
            }
            return switch (a) {
                case NpyArray.Int64 i -> i.data();
                // Other tools often save labels as int32; widening loses nothing.
                case NpyArray.Int32 i -> Arrays.stream(i.data()).asLongStream().toArray();
                default -> throw wrong(key, a, "a 1-D int64 (<i8) array");
            };
        }

        public List<String> names() {
            NpyArray a = require("generator_id_to_name");
            if (!(a instanceof NpyArray.Unicode u) || a.shape().length != 1) {
                throw wrong("generator_id_to_name", a, "a 1-D unicode (<U) array");
            }
            return List.of(u.data());
        }

        public List<List<String>> timeline() {
            NpyArray a = require("windows_timeline");
            if (!(a instanceof NpyArray.Unicode u) || a.shape().length != 2) {
                throw wrong("windows_timeline", a, "a 2-D unicode (<U) array, one row per window");
            }
            int rows = a.shape()[0], cols = a.shape()[1];
            var out = new ArrayList<List<String>>();
            for (int w = 0; w < rows; w++) {
                var names = new ArrayList<String>();
                for (int j = 0; j < cols; j++) {
                    String s = u.data()[w * cols + j];
                    if (!s.isEmpty()) {
                        names.add(s);
                    }
                }
                out.add(names);
            }
            return out;
        }

        private UserError wrong(String key, NpyArray a, String expected) {
            return new UserError("Key '" + key + "' of " + file + " is " + a.descr() + " with shape "
                    + Arrays.toString(a.shape()) + ", expected " + expected + ".");
        }
    }
}
