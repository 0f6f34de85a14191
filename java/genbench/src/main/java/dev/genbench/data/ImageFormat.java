package dev.genbench.data;

import dev.genbench.console.UserError;

/**
 * The encoded image formats the datasets hold, told apart by their first bytes, with a cheap completeness
 * check for the two that dominate AI-GenBench (JPEG must end with its EOI marker, PNG with its IEND chunk).
 * It catches empty, foreign and truncated files before a decoder is asked, and names the row; an image that
 * passes can still fail to decode, which the decoder reports.
 */
public enum ImageFormat {
    JPEG, PNG, WEBP, GIF, BMP, TIFF;

    /** The format of {@code bytes}, or null when no known signature matches. */
    public static ImageFormat sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
            return JPEG;
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return PNG;
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return WEBP;
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return GIF;
        }
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
            return BMP;
        }
        if (b.length >= 4 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0) || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42))) {
            return TIFF;
        }
        return null;
    }

    /**
     * Checks that {@code bytes} look like a complete image file.
     *
     * @param where the row, as {@link SplitTable#describe} words it
     * @return the format
     * @throws UserError naming the row when the bytes are empty, of no known format, or truncated
     */
    public static ImageFormat check(byte[] bytes, String where) {
        if (bytes.length == 0) {
            throw new UserError("The image of " + where + " is empty; restore the image in the dataset or remove the row.");
        }
        ImageFormat f = sniff(bytes);
        if (f == null) {
            throw new UserError("The image of " + where + " is not a JPEG, PNG, WebP, GIF, BMP or TIFF file; replace it or remove the row.");
        }
        boolean complete = switch (f) {
            // Some encoders pad after EOI; accept the marker within the last few bytes.
            case JPEG -> endsWithJpegEoi(bytes);
            case PNG -> bytes.length >= 12 && bytes[bytes.length - 8] == 'I' && bytes[bytes.length - 7] == 'E'
                    && bytes[bytes.length - 6] == 'N' && bytes[bytes.length - 5] == 'D';
            default -> true;
        };
        if (!complete) {
            throw new UserError("The image of " + where + " is a truncated " + f + " file (its end marker is missing); restore the complete image or remove the row.");
        }
        return f;
    }

    private static boolean endsWithJpegEoi(byte[] b) {
        for (int i = b.length - 2; i >= Math.max(2, b.length - 16); i--) {
            if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xD9) {
                return true;
            }
        }
        return false;
    }
}
