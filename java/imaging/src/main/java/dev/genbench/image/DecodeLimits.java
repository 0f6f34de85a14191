package dev.genbench.image;

/**
 * Guards applied before an image is decoded.
 *
 * @param maxPixels largest width × height accepted; larger images are refused before any pixel is decoded
 *     (a decompression-bomb guard). The default, 178,956,970, is the size at which the original's loader
 *     (PIL) refuses an image outright (twice its MAX_IMAGE_PIXELS warning threshold), so every image the
 *     original could load is accepted here too.
 */
public record DecodeLimits(long maxPixels) {
    public static final long DEFAULT_MAX_PIXELS = 178_956_970L;
    public static final DecodeLimits DEFAULT = new DecodeLimits(DEFAULT_MAX_PIXELS);

    public DecodeLimits {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("the image pixel limit must be at least 1, got " + maxPixels);
        }
    }
}
