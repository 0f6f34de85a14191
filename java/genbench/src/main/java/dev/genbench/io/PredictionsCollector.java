package dev.genbench.io;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongUnaryOperator;

/**
 * Gathers an evaluation epoch's per-crop outputs batch by batch and turns them into a
 * {@link PredictionsFile}, fusing the crops of each image as the original's evaluation step does: the
 * image's score (unless another {@link ScoreFusion} is given) and loss are the mean over its crops, its
 * label, generator and identifier those of its first crop. Images come out in batch order and, within a
 * batch, in ascending order of their local index. {@code crop_to_image_index} is rewritten as a global row index (SPEC §12 item 13).
 *
 * <p>Not thread-safe: one evaluation loop owns it. Multiclass logits are not collected.
 */
public final class PredictionsCollector {
    private final FloatList cropScores = new FloatList(), cropLosses = new FloatList();
    private final LongList cropLabels = new LongList(), cropGenerators = new LongList(), cropIds = new LongList(),
            cropToImage = new LongList();
    private final FloatList fusedScores = new FloatList(), fusedLosses = new FloatList();
    private final LongList fusedLabels = new LongList(), fusedGenerators = new LongList(), fusedIds = new LongList();

    /**
     * One batch of crops.
     *
     * @param localImage for each crop, the index of its image within this batch (as the data loader's
     *                   multicrop collate numbers them)
     */
    public record CropBatch(float[] scores, float[] losses, long[] labels, long[] generatorIds, long[] identifiers,
                            int[] localImage) {
        public CropBatch {
            int m = scores.length;
            if (losses.length != m || labels.length != m || generatorIds.length != m || identifiers.length != m
                    || localImage.length != m) {
                throw new IllegalArgumentException("crop batch arrays differ in length (scores have " + m + ")");
            }
        }
    }

    /**
     * One image's score from its crops' scores, in crop order.
     */
    @FunctionalInterface
    public interface ScoreFusion {
        float fuse(float[] cropScores);
    }

    /** The original's fusion (SPEC §6.4): the mean, summed in double and rounded once, within an ulp of the float32 mean. */
    public static final ScoreFusion MEAN = scores -> {
        double sum = 0;
        for (float s : scores) {
            sum += s;
        }
        return (float) (sum / scores.length);
    };

    private final ScoreFusion fusion;

    /** A collector fusing crops by their mean score. */
    public PredictionsCollector() {
        this(MEAN);
    }

    /** A collector fusing each image's crop scores with {@code fusion}; the image's loss is always the mean. */
    public PredictionsCollector(ScoreFusion fusion) {
        this.fusion = fusion;
    }

    public void add(CropBatch batch) {
        int m = batch.scores().length;
        int[] distinct = Arrays.stream(batch.localImage()).distinct().sorted().toArray();
        int imageBase = fusedScores.size;
        double[] lossSum = new double[distinct.length];
        float[][] scores = new float[distinct.length][];
        int[] count = new int[distinct.length], first = new int[distinct.length];
        Arrays.fill(first, -1);
        for (int c = 0; c < m; c++) {
            int image = Arrays.binarySearch(distinct, batch.localImage()[c]);
            count[image]++;
        }
        for (int i = 0; i < distinct.length; i++) {
            scores[i] = new float[count[i]];
        }
        Arrays.fill(count, 0);
        for (int c = 0; c < m; c++) {
            int image = Arrays.binarySearch(distinct, batch.localImage()[c]);
            scores[image][count[image]] = batch.scores()[c];
            lossSum[image] += batch.losses()[c];
            count[image]++;
            if (first[image] < 0) first[image] = c;
            cropScores.add(batch.scores()[c]);
            cropLosses.add(batch.losses()[c]);
            cropLabels.add(batch.labels()[c]);
            cropGenerators.add(batch.generatorIds()[c]);
            cropIds.add(batch.identifiers()[c]);
            cropToImage.add(imageBase + image);
        }
        for (int i = 0; i < distinct.length; i++) {
            fusedScores.add(fusion.fuse(scores[i]));
            fusedLosses.add((float) (lossSum[i] / count[i]));
            fusedLabels.add(batch.labels()[first[i]]);
            fusedGenerators.add(batch.generatorIds()[first[i]]);
            fusedIds.add(batch.identifiers()[first[i]]);
        }
    }

    public int images() {
        return fusedScores.size;
    }

    /**
     * The file of everything added so far.
     *
     * @param pairingOf maps a real image's identifier to the generator it is paired with (-1 if none);
     *                  fakes always get -1
     */
    public PredictionsFile build(List<String> generatorIdToName, List<List<String>> windowsTimeline,
                                 LongUnaryOperator pairingOf) {
        int n = fusedScores.size;
        long[] pairing = new long[n];
        for (int i = 0; i < n; i++) {
            pairing[i] = fusedGenerators.data[i] == 0 ? pairingOf.applyAsLong(fusedIds.data[i]) : -1;
        }
        return new PredictionsFile(fusedScores.trimmed(), fusedLabels.trimmed(), fusedGenerators.trimmed(),
                fusedIds.trimmed(), fusedLosses.trimmed(), cropScores.trimmed(), cropLabels.trimmed(),
                cropGenerators.trimmed(), cropIds.trimmed(), cropLosses.trimmed(), cropToImage.trimmed(),
                Optional.empty(), generatorIdToName, windowsTimeline, pairing);
    }

    public void reset() {
        for (FloatList l : List.of(cropScores, cropLosses, fusedScores, fusedLosses)) l.size = 0;
        for (LongList l : List.of(cropLabels, cropGenerators, cropIds, cropToImage, fusedLabels, fusedGenerators, fusedIds)) {
            l.size = 0;
        }
    }

    private static final class FloatList {
        float[] data = new float[1024];
        int size;

        void add(float v) {
            if (size == data.length) data = Arrays.copyOf(data, size * 2);
            data[size++] = v;
        }

        float[] trimmed() {
            return Arrays.copyOf(data, size);
        }
    }

    private static final class LongList {
        long[] data = new long[1024];
        int size;

        void add(long v) {
            if (size == data.length) data = Arrays.copyOf(data, size * 2);
            data[size++] = v;
        }

        long[] trimmed() {
            return Arrays.copyOf(data, size);
        }
    }
}
