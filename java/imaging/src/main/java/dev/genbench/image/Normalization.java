package dev.genbench.image;

/**
 * Per-channel (R, G, B) mean and standard deviation applied after scaling pixels to [0, 1]:
 * out = (x/255 − mean) / std.
 */
public record Normalization(double meanR, double meanG, double meanB, double stdR, double stdG, double stdB) {
    /** CLIP's statistics, which the original uses for every model family (SPEC §6.5, §12 item 9). */
    public static final Normalization CLIP = new Normalization(0.48145466, 0.4578275, 0.40821073,
            0.26862954, 0.26130258, 0.27577711);

    /** Only scaling to [0, 1]. */
    public static final Normalization UNIT = new Normalization(0, 0, 0, 1, 1, 1);

    public Normalization {
        if (!(stdR > 0 && stdG > 0 && stdB > 0)) {
            throw new IllegalArgumentException("normalisation std must be > 0 on every channel");
        }
    }

    public double mean(int channel) {
        return switch (channel) {
            case 0 -> meanR;
            case 1 -> meanG;
            case 2 -> meanB;
            default -> throw new IndexOutOfBoundsException(channel);
        };
    }

    public double std(int channel) {
        return switch (channel) {
            case 0 -> stdR;
            case 1 -> stdG;
            case 2 -> stdB;
            default -> throw new IndexOutOfBoundsException(channel);
        };
    }

    /** The scale applied to an 8-bit value of {@code channel}: 1 / (255·std). */
    public double alpha(int channel) {
        return 1.0 / (255.0 * std(channel));
    }

    /** The offset: −mean / std. */
    public double beta(int channel) {
        return -mean(channel) / std(channel);
    }
}
