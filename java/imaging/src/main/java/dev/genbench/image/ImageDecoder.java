package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_ANYDEPTH;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR_RGB;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes encoded images (JPEG, PNG, WebP and whatever else OpenCV reads) into 8-bit RGB {@link Mat}s that
 * hold the same pixels the original's loader produces: PIL {@code open}, {@code exif_transpose} when an
 * orientation tag is present, then {@code convert("RGB")}.
 *
 * <p>How each case lines up with PIL (each is pinned by {@code ImageDecoderTest}):
 * <ul>
 *   <li>EXIF orientation (JPEG, and PNG eXIf / WebP EXIF too): {@code imdecode} applies it by default (no {@code IMREAD_IGNORE_ORIENTATION}),
 *       which is what {@code exif_transpose} does; all eight orientations map the same way.</li>
 *   <li>Alpha (RGBA, LA, palette with tRNS): PIL's RGB conversion drops alpha without compositing on a
 *       background, and so does OpenCV's colour decode.</li>
 *   <li>16-bit RGB PNG: both keep the high byte.</li>
 *   <li>16-bit greyscale PNG: PIL opens it as 32-bit integer mode and its RGB conversion <em>clips</em>
 *       values to 255 rather than scaling; OpenCV would keep the high byte. We decode at full depth and
 *       clip like PIL, so the same file gives the same (mostly white) pixels.</li>
 *   <li>CMYK JPEG: both invert Adobe CMYK and multiply by K; results differ by at most 1 grey level.</li>
 *   <li>Truncated files: PIL refuses them ("image file is truncated"); OpenCV 4.13 returns an empty
 *       matrix, which we report the same way.</li>
 * </ul>
 *
 * <p>Thread-safe and stateless apart from its limits. The caller owns (and closes) the returned Mat.
 */
public final class ImageDecoder {
    private final DecodeLimits limits;

    public ImageDecoder(DecodeLimits limits) {
        this.limits = limits;
    }

    public DecodeLimits limits() {
        return limits;
    }

    /** Reads and decodes a file; the image id in errors is the path. */
    public Mat decodeFile(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UserError("Cannot read image file " + path + ": " + e.getMessage() + ".", e);
        }
        return decode(bytes, path.toString());
    }

    /**
     * Decodes {@code bytes} into a new 8-bit, 3-channel RGB Mat.
     *
     * @param imageId names the image in errors (the dataset's sample id or a file name)
     * @throws UserError naming the image and the reason when the bytes are empty, too large, truncated or
     *     not an image
     */
    public Mat decode(byte[] bytes, String imageId) {
        if (bytes.length == 0) {
            throw new UserError("Image '" + imageId + "' is empty (0 bytes): the dataset entry holds no image data.");
        }
        ImageHeader header = ImageHeader.read(bytes);
        if (header.hasDimensions()) {
            checkPixels(imageId, header.width(), header.height());
        }
        boolean greyscale16 = header.format() == ImageHeader.ImageFormat.PNG
                && header.pngBitDepth() == 16 && header.pngColorType() == 0;
        int flags = greyscale16 ? IMREAD_GRAYSCALE | IMREAD_ANYDEPTH : IMREAD_COLOR_RGB;
        Mat decoded;
        try (BytePointer data = new BytePointer(bytes); Mat encoded = new Mat(1, bytes.length, CV_8U, data)) {
            decoded = imdecode(encoded, flags);
        } catch (RuntimeException e) {
            // OpenCV reports codec failures as RuntimeException carrying its own message.
            throw new UserError("Image '" + imageId + "' could not be decoded (" + describe(header) + "): "
                    + firstLine(e.getMessage()) + ".", e);
        }
        if (decoded == null || decoded.empty()) {
            if (decoded != null) {
                decoded.close();
            }
            String reason = header.format() == ImageHeader.ImageFormat.UNKNOWN
                    ? "the bytes are not an image in a format OpenCV reads (JPEG, PNG, WebP, BMP, TIFF, ...)"
                    : "the " + header.format() + " data is truncated or corrupt";
            throw new UserError("Image '" + imageId + "' could not be decoded: " + reason + " (" + bytes.length + " bytes).");
        }
        try {
            checkPixels(imageId, decoded.cols(), decoded.rows());
            if (greyscale16) {
                return greyscale16ToRgb(decoded);
            }
            return decoded;
        } catch (RuntimeException e) {
            decoded.close();
            throw e;
        }
    }

    /** PIL's "I" → "RGB" conversion clips to [0, 255]; convertTo saturates the same way. */
    private static Mat greyscale16ToRgb(Mat grey16) {
        try (grey16; Mat grey8 = new Mat()) {
            grey16.convertTo(grey8, CV_8U);
            Mat rgb = new Mat();
            cvtColor(grey8, rgb, COLOR_GRAY2RGB);
            return rgb;
        }
    }

    private void checkPixels(String imageId, long width, long height) {
        long pixels = width * height;
        if (pixels > limits.maxPixels()) {
            throw new UserError("Image '" + imageId + "' is " + width + "x" + height + " = " + pixels
                    + " pixels, above the limit of " + limits.maxPixels()
                    + " (a decompression-bomb guard); raise the pixel limit if the image is genuine.");
        }
    }

    private static String describe(ImageHeader header) {
        return header.hasDimensions()
                ? header.format() + " " + header.width() + "x" + header.height()
                : header.format().toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown codec error";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
