package dev.genbench.image;

import java.util.Optional;

/**
 * Format and dimensions read from the first bytes of an encoded image, before anything is decoded.
 *
 * <p>OpenCV offers no header-only query, and its own pixel guard ({@code OPENCV_IO_MAX_IMAGE_PIXELS}) is a
 * process-wide environment variable; reading the header ourselves lets the decompression-bomb limit be a
 * per-loader setting and lets the error name the dimensions. Only the formats the dataset holds are
 * parsed; anything else is left to OpenCV (and still checked after decoding).
 *
 * @param format what the signature says the bytes are
 * @param width pixels, or -1 when the header could not be parsed far enough
 * @param height pixels, or -1 when the header could not be parsed far enough
 * @param pngBitDepth bits per channel of a PNG (0 for other formats)
 * @param pngColorType the PNG colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA; -1 otherwise)
 */
public record ImageHeader(ImageFormat format, int width, int height, int pngBitDepth, int pngColorType) {

    public enum ImageFormat { JPEG, PNG, WEBP, GIF, BMP, TIFF, UNKNOWN }

    public boolean hasDimensions() {
        return width > 0 && height > 0;
    }

    /** Reads the header; never throws, a header it cannot parse yields UNKNOWN or -1 dimensions. */
    public static ImageHeader read(byte[] b) {
        if (b.length >= 3 && u8(b, 0) == 0xFF && u8(b, 1) == 0xD8 && u8(b, 2) == 0xFF) {
            return jpeg(b).orElse(new ImageHeader(ImageFormat.JPEG, -1, -1, 0, -1));
        }
        if (b.length >= 8 && u8(b, 0) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            if (b.length >= 26 && b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R') {
                return new ImageHeader(ImageFormat.PNG, be32(b, 16), be32(b, 20), u8(b, 24), u8(b, 25));
            }
            return new ImageHeader(ImageFormat.PNG, -1, -1, 0, -1);
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return webp(b);
        }
        if (b.length >= 10 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
            return new ImageHeader(ImageFormat.GIF, le16(b, 6), le16(b, 8), 0, -1);
        }
        if (b.length >= 26 && b[0] == 'B' && b[1] == 'M') {
            return new ImageHeader(ImageFormat.BMP, Math.abs(le32(b, 18)), Math.abs(le32(b, 22)), 0, -1);
        }
        if (b.length >= 4 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42) || (b[0] == 'M' && b[1] == 'M' && b[3] == 42))) {
            return new ImageHeader(ImageFormat.TIFF, -1, -1, 0, -1);
        }
        return new ImageHeader(ImageFormat.UNKNOWN, -1, -1, 0, -1);
    }

    /** Walks the JPEG markers up to the first start-of-frame, which carries the dimensions. */
    private static Optional<ImageHeader> jpeg(byte[] b) {
        int p = 2;
        while (p + 4 <= b.length) {
            if (u8(b, p) != 0xFF) {
                return Optional.empty();
            }
            int marker = u8(b, p + 1);
            if (marker == 0xFF) { // fill byte
                p++;
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                p += 2;
                continue;
            }
            int length = be16(b, p + 2);
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (startOfFrame) {
                if (p + 9 > b.length) {
                    return Optional.empty();
                }
                return Optional.of(new ImageHeader(ImageFormat.JPEG, be16(b, p + 7), be16(b, p + 5), 0, -1));
            }
            p += 2 + length;
        }
        return Optional.empty();
    }

    private static ImageHeader webp(byte[] b) {
        if (b.length >= 30 && b[12] == 'V' && b[13] == 'P' && b[14] == '8') {
            if (b[15] == ' ') { // lossy: 14-bit sizes after the 3-byte start code
                return new ImageHeader(ImageFormat.WEBP, le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF, 0, -1);
            }
            if (b[15] == 'L') { // lossless: 14-bit width-1 and height-1 packed after the 0x2F signature
                int bits = le32(b, 21);
                return new ImageHeader(ImageFormat.WEBP, (bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1, 0, -1);
            }
            if (b[15] == 'X') { // extended: 24-bit canvas width-1 and height-1
                return new ImageHeader(ImageFormat.WEBP, le24(b, 24) + 1, le24(b, 27) + 1, 0, -1);
            }
        }
        return new ImageHeader(ImageFormat.WEBP, -1, -1, 0, -1);
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int be16(byte[] b, int i) {
        return (u8(b, i) << 8) | u8(b, i + 1);
    }

    private static int be32(byte[] b, int i) {
        return (u8(b, i) << 24) | (u8(b, i + 1) << 16) | (u8(b, i + 2) << 8) | u8(b, i + 3);
    }

    private static int le16(byte[] b, int i) {
        return u8(b, i) | (u8(b, i + 1) << 8);
    }

    private static int le24(byte[] b, int i) {
        return u8(b, i) | (u8(b, i + 1) << 8) | (u8(b, i + 2) << 16);
    }

    private static int le32(byte[] b, int i) {
        return u8(b, i) | (u8(b, i + 1) << 8) | (u8(b, i + 2) << 16) | (u8(b, i + 3) << 24);
    }
}
