package dev.genbench.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.console.UserError;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decode corpus: each awkward or broken input with its expected outcome. Reference pixels for the
 * PIL-made fixtures come from make_fixtures.py beside them (PIL open + exif_transpose + convert("RGB")).
 */
class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULT);

    @ParameterizedTest(name = "{0} decodes to PIL''s pixels within {1}")
    @CsvSource({
        // Exact where both sides run the same codec path; CMYK differs by PIL's and OpenCV's K rounding.
        "plain.jpg, 0", "exif3.jpg, 0", "exif5.jpg, 0", "exif6.jpg, 0", "exif8.jpg, 0", "cmyk.jpg, 1",
        "gray.jpg, 0", "gray16.png, 0", "exif6.png, 0", "exif6.webp, 0", "rgba.png, 0", "palette.png, 0", "palette_trns.png, 0",
        "gray_alpha.png, 0", "plain.png, 0", "lossy.webp, 0", "lossless.webp, 0", "rgba.webp, 0",
        "one_pixel.png, 0"
    })
    void fixtureDecodesLikeThePilLoader(String name, int tolerance) {
        byte[] expected = TestImages.resource("decode/" + name + ".rgb");
        String[] shape = manifestLine(name);
        try (Mat rgb = decoder.decode(TestImages.resource("decode/" + name), name)) {
            assertEquals(Integer.parseInt(shape[1]), rgb.cols(), "width");
            assertEquals(Integer.parseInt(shape[2]), rgb.rows(), "height");
            assertEquals(3, rgb.channels());
            int diff = TestImages.maxAbsDiff(TestImages.pixels(rgb), expected);
            assertTrue(diff <= tolerance, name + ": max |diff| " + diff + " > " + tolerance);
        }
    }

    @Test
    void exifOrientationSixRotatesClockwiseLikeExifTranspose() {
        try (Mat plain = decoder.decode(TestImages.resource("decode/plain.jpg"), "plain");
                Mat rotated = decoder.decode(TestImages.resource("decode/exif6.jpg"), "exif6")) {
            assertEquals(plain.rows(), rotated.cols());
            assertEquals(plain.cols(), rotated.rows());
            // Orientation 6: the stored image must be turned 90° clockwise; stored (0,0) lands top-right.
            for (int c = 0; c < 3; c++) {
                assertEquals(TestImages.pixel(plain, 0, 0, c), TestImages.pixel(rotated, 0, rotated.cols() - 1, c), 2);
            }
        }
    }

    @Test
    void zeroBytesAreRefusedNamingTheImage() {
        UserError e = assertThrows(UserError.class, () -> decoder.decode(new byte[0], "gen/sd14/0001"));
        assertTrue(e.getMessage().contains("gen/sd14/0001") && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void truncatedJpegIsRefusedAsPilDoes() {
        byte[] full = TestImages.resource("decode/plain.jpg");
        byte[] half = Arrays.copyOf(full, full.length / 2);
        UserError e = assertThrows(UserError.class, () -> decoder.decode(half, "trunc-1"));
        assertTrue(e.getMessage().contains("trunc-1") && e.getMessage().contains("truncated or corrupt"), e.getMessage());
    }

    @Test
    void truncatedPngIsRefused() {
        byte[] full = TestImages.resource("decode/plain.png");
        byte[] part = Arrays.copyOf(full, full.length - 40);
        assertThrows(UserError.class, () -> decoder.decode(part, "trunc-png"));
    }

    @Test
    void bytesThatAreNotAnImageAreRefused() {
        byte[] text = "this is a caption, not an image".getBytes(StandardCharsets.UTF_8);
        UserError e = assertThrows(UserError.class, () -> decoder.decode(text, "caption-7"));
        assertTrue(e.getMessage().contains("caption-7") && e.getMessage().contains("not an image"), e.getMessage());
    }

    @Test
    void onePixelImageDecodes() {
        try (Mat rgb = decoder.decode(TestImages.resource("decode/one_pixel.png"), "1x1")) {
            assertEquals(1, rgb.cols());
            assertEquals(1, rgb.rows());
        }
    }

    @Test
    void hugeDimensionsAreRefusedBeforeDecoding() {
        // A PNG header claiming 100000 x 100000 followed by nothing: refused from the header alone.
        byte[] bomb = pngHeaderOnly(100_000, 100_000);
        UserError e = assertThrows(UserError.class, () -> decoder.decode(bomb, "bomb"));
        assertTrue(e.getMessage().contains("100000x100000") && e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void pixelLimitIsConfigurable() {
        ImageDecoder strict = new ImageDecoder(new DecodeLimits(1000));
        byte[] png = TestImages.resource("decode/plain.png"); // 60 x 40 = 2400 pixels
        UserError e = assertThrows(UserError.class, () -> strict.decode(png, "small-but-over"));
        assertTrue(e.getMessage().contains("2400"), e.getMessage());
        try (Mat ok = new ImageDecoder(new DecodeLimits(2400)).decode(png, "exactly-at-limit")) {
            assertEquals(60, ok.cols());
        }
    }

    @Test
    void sixteenBitGreyscaleIsClippedLikePil() {
        // PIL opens 16-bit grey as mode I and its RGB conversion clips, so values >= 255 become white.
        try (Mat rgb = decoder.decode(TestImages.resource("decode/gray16.png"), "g16")) {
            byte[] px = TestImages.pixels(rgb);
            long white = 0;
            for (byte b : px) {
                white += (b & 255) == 255 ? 1 : 0;
            }
            assertTrue(white > px.length * 0.7, "most pixels of a 0..1023 image clip to 255, got " + white + "/" + px.length);
        }
    }

    @Test
    void sixteenBitRgbKeepsTheHighByte() {
        try (Mat rgb16 = new Mat(4, 4, org.bytedeco.opencv.global.opencv_core.CV_16UC3,
                new org.bytedeco.opencv.opencv_core.Scalar(0x1234, 0xABCD, 0xFF00, 0))) {
            byte[] png = TestImages.encode16(rgb16);
            try (Mat rgb = decoder.decode(png, "rgb16")) {
                assertEquals(0x12, TestImages.pixel(rgb, 0, 0, 0));
                assertEquals(0xAB, TestImages.pixel(rgb, 0, 0, 1));
                assertEquals(0xFF, TestImages.pixel(rgb, 0, 0, 2));
            }
        }
    }

    @Test
    void headerReaderFindsDimensionsOfEachFormat() {
        for (String name : new String[] {"plain.jpg", "plain.png", "lossy.webp", "lossless.webp", "rgba.webp"}) {
            ImageHeader h = ImageHeader.read(TestImages.resource("decode/" + name));
            assertEquals(60, h.width(), name);
            assertEquals(40, h.height(), name);
        }
        assertEquals(ImageHeader.ImageFormat.UNKNOWN, ImageHeader.read(new byte[] {1, 2, 3}).format());
    }

    @Test
    void decodingIsRepeatableByteForByte() {
        byte[] jpg = TestImages.resource("decode/lossy.webp");
        try (Mat a = decoder.decode(jpg, "a"); Mat b = decoder.decode(jpg, "b")) {
            assertArrayEquals(TestImages.pixels(a), TestImages.pixels(b));
        }
    }

    private static String[] manifestLine(String name) {
        String manifest = new String(TestImages.resource("decode/manifest.tsv"), StandardCharsets.UTF_8);
        return manifest.lines().map(l -> l.split("\t")).filter(f -> f[0].equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " not in manifest.tsv"));
    }

    /** Signature + IHDR chunk with a valid CRC and no image data. */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
        out.writeBytes(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }
}
