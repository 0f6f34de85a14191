package dev.genbench.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pixel parity with the original's PIL path: decode (PIL open + exif_transpose + convert RGB) and resize
 * (PIL bilinear with its widened filter = torchvision Resize(antialias=True) on PIL images).
 *
 * <p>Tolerances. Decoding: exact for PNG and WebP, within 1 grey level for JPEG (same libjpeg algorithm;
 * Debian's libjpeg-turbo 2.1 against OpenCV's bundled 3.1; measured exact on 42 real JPEG/PNG/WebP photos).
 * Resizing to 224 × 224: mean absolute difference at most {@value #RESIZE_MEAN_TOLERANCE} grey levels per
 * image, because a Gaussian pre-blur plus OpenCV's INTER_AREA stands in for PIL's widened triangle filter
 * ({@link Interpolation}). Measured on 42 real photos (352 px to 2560 px; 6 of them re-encoded as WebP) plus
 * 9 synthetic ones: average 0.4, worst 1.20 (a 500 px giraffe with fine fur), single pixels up to about 20
 * on sharp edges.
 *
 * <p>The live part needs a Python 3 with Pillow and NumPy (Debian's python3-pil); without one it is
 * skipped with the reason printed. Set GENBENCH_PARITY_PHOTOS to a folder of real photos to include them.
 */
class PilParityTest {
    static final double RESIZE_MEAN_TOLERANCE = 1.5;
    static final double FIXTURE_RESIZE_MEAN_TOLERANCE = 1.0;
    private final ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULT);

    @Test
    void committedFixturesResizeCloseToPil() {
        // 60 x 40 → 24 x 16 (a 2.5× shrink), references made by make_fixtures.py with PIL's bilinear.
        for (String name : new String[] {"plain.jpg", "plain.png", "lossy.webp", "exif6.jpg", "palette.png"}) {
            try (Mat rgb = decoder.decode(TestImages.resource("decode/" + name), name);
                    Mat ref = decoder.decode(TestImages.resource("decode/" + name + ".resized.png"), name + " ref");
                    Mat ours = Interpolation.BILINEAR.resizeAntialiased(rgb, ref.cols(), ref.rows())) {
                double mean = TestImages.meanAbsDiff(TestImages.pixels(ours), TestImages.pixels(ref));
                System.out.printf("parity fixture %-12s resize mean |diff| %.3f max %d%n", name, mean,
                        TestImages.maxAbsDiff(TestImages.pixels(ours), TestImages.pixels(ref)));
                assertTrue(mean <= FIXTURE_RESIZE_MEAN_TOLERANCE, name + " mean |diff| " + mean);
            }
        }
    }

    @Test
    void decodeAndResizeMatchPilOnPhotos(@TempDir Path dir) throws Exception {
        Optional<String> python = pythonWithPil();
        Assumptions.assumeTrue(python.isPresent(),
                "skipped: no python3 with Pillow and NumPy found (install Debian's python3-pil to run this parity check)");
        List<Path> images = new ArrayList<>();
        // Photo-like synthetic images in each format: smooth gradients plus blurred texture.
        int k = 0;
        for (int[] size : new int[][] {{640, 480}, {1000, 700}, {300, 500}}) {
            try (Mat texture = GaussianBlurOp.blur(TestImages.noise(size[0], size[1], 31 + k), 1.2);
                    Mat base = TestImages.gradient(size[0], size[1]); Mat photo = new Mat()) {
                org.bytedeco.opencv.global.opencv_core.addWeighted(base, 0.6, texture, 0.4, 0, photo);
                for (String ext : new String[] {".jpg", ".png", ".webp"}) {
                    Path p = dir.resolve("synthetic" + k + ext);
                    Files.write(p, TestImages.encode(photo, ext));
                    images.add(p);
                }
            }
            k++;
        }
        String photos = System.getenv("GENBENCH_PARITY_PHOTOS");
        if (photos != null && Files.isDirectory(Path.of(photos))) {
            try (Stream<Path> s = Files.list(Path.of(photos))) {
                s.filter(p -> p.toString().matches("(?i).*\\.(jpe?g|png|webp)$")).sorted().forEach(images::add);
            }
        }
        Path script = dir.resolve("pil_reference.py");
        Files.write(script, TestImages.resource("parity/pil_reference.py"));
        Path out = Files.createDirectory(dir.resolve("out"));
        List<String> cmd = new ArrayList<>(List.of(python.get(), script.toString(), out.toString(), "224", "224"));
        images.forEach(p -> cmd.add(p.toString()));
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String listing = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(300, TimeUnit.SECONDS) && proc.exitValue() == 0, "PIL reference failed: " + listing);

        double worstResizeMean = 0;
        for (int i = 0; i < images.size(); i++) {
            Path image = images.get(i);
            String name = image.getFileName().toString();
            byte[] pilDecoded = Files.readAllBytes(out.resolve(i + ".decoded.rgb"));
            byte[] pilResized = Files.readAllBytes(out.resolve(i + ".resized.rgb"));
            try (Mat rgb = decoder.decodeFile(image); Mat resized = Interpolation.BILINEAR.resizeAntialiased(rgb, 224, 224)) {
                int decodeMax = TestImages.maxAbsDiff(TestImages.pixels(rgb), pilDecoded);
                double resizeMean = TestImages.meanAbsDiff(TestImages.pixels(resized), pilResized);
                System.out.printf("parity %-24s %4dx%-4d decode max |diff| %d, resize 224 mean |diff| %.3f max %d%n",
                        name, rgb.cols(), rgb.rows(), decodeMax, resizeMean,
                        TestImages.maxAbsDiff(TestImages.pixels(resized), pilResized));
                assertTrue(decodeMax <= (name.matches("(?i).*\\.jpe?g$") ? 1 : 0), name + ": decode max |diff| " + decodeMax);
                assertTrue(resizeMean <= RESIZE_MEAN_TOLERANCE, name + ": resize mean |diff| " + resizeMean);
                worstResizeMean = Math.max(worstResizeMean, resizeMean);
            }
        }
        assertEquals(images.size(), listing.lines().count(), listing);
        System.out.printf("parity: %d images, worst resize mean |diff| %.3f%n", images.size(), worstResizeMean);
    }

    /** Debian's interpreter first (it carries python3-pil), then whatever python3 is on PATH. */
    static Optional<String> pythonWithPil() {
        for (String candidate : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import PIL, numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(candidate);
                }
            } catch (IOException | InterruptedException e) {
                // not usable; try the next candidate
            }
        }
        return Optional.empty();
    }
}
