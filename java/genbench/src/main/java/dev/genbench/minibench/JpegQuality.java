package dev.genbench.minibench;

import java.util.OptionalInt;

/**
 * Estimates the IJG (libjpeg) quality setting of a JPEG from its luminance quantisation table: the quality
 * whose scaled standard table has the closest sum. Sums ignore the zig-zag order the file stores them in.
 */
final class JpegQuality {
    // ITU T.81 Annex K.1 luminance table (order does not matter for a sum).
    private static final int[] STANDARD_LUMINANCE = {
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99
    };

    private JpegQuality() {}

    /** The estimated quality 1-100, or empty when {@code bytes} is not a JPEG with a table 0. */
    static OptionalInt estimate(byte[] bytes) {
        OptionalInt sum = luminanceTableSum(bytes);
        if (sum.isEmpty()) {
            return OptionalInt.empty();
        }
        int best = 1;
        long bestGap = Long.MAX_VALUE;
        for (int q = 1; q <= 100; q++) {
            long gap = Math.abs(scaledSum(q) - sum.getAsInt());
            if (gap < bestGap) {
                bestGap = gap;
                best = q;
            }
        }
        return OptionalInt.of(best);
    }

    static int scaledSum(int quality) {
        int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
        int sum = 0;
        for (int v : STANDARD_LUMINANCE) {
            sum += Math.min(255, Math.max(1, (v * scale + 50) / 100));
        }
        return sum;
    }

    // Walks the marker segments up to the first scan, summing the entries of quantisation table 0.
    private static OptionalInt luminanceTableSum(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return OptionalInt.empty();
        }
        int at = 2;
        while (at + 4 <= b.length) {
            if ((b[at] & 0xFF) != 0xFF) {
                return OptionalInt.empty();
            }
            int marker = b[at + 1] & 0xFF;
            int length = ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
            if (marker == 0xDA) {
                return OptionalInt.empty();
            }
            if (marker == 0xDB) {
                int p = at + 4;
                int end = at + 2 + length;
                while (p < end && p < b.length) {
                    int precision = (b[p] & 0xFF) >> 4;
                    int id = b[p] & 0x0F;
                    int entries = 64 * (precision == 0 ? 1 : 2);
                    if (id == 0) {
                        int sum = 0;
                        for (int i = 0; i < 64; i++) {
                            sum += precision == 0 ? b[p + 1 + i] & 0xFF : ((b[p + 1 + 2 * i] & 0xFF) << 8) | (b[p + 2 + 2 * i] & 0xFF);
                        }
                        return OptionalInt.of(sum);
                    }
                    p += 1 + entries;
                }
            }
            at += 2 + length;
        }
        return OptionalInt.empty();
    }
}
