package dev.genbench.minibench;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.DFT_COMPLEX_OUTPUT;
import static org.bytedeco.opencv.global.opencv_core.dft;

import java.util.List;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The trivial statistics of one encoded image that a detector must not be able to win on: size, format,
 * compression, sharpness and colour. If these separate real from fake, the benchmark has a cheap cue.
 */
final class CueFeatures {
    static final List<String> NAMES = List.of(
            "width", "height", "file_bytes", "bytes_per_pixel", "is_jpeg", "is_png", "is_webp", "jpeg_quality",
            "laplacian_variance", "high_frequency_ratio", "gray_mean", "gray_std",
            "b_mean", "g_mean", "r_mean", "b_std", "g_std", "r_std");
    /** Features that span orders of magnitude; the log variant of the check uses log1p of them. */
    static final List<String> LOG_SCALED = List.of("file_bytes", "bytes_per_pixel", "laplacian_variance", "high_frequency_ratio");
    /** Spatial frequency, in cycles per pixel, above which spectral energy counts as high-frequency. */
    static final double HIGH_FREQUENCY_CUTOFF = 0.25;

    private CueFeatures() {}

    static double[] of(byte[] encoded) {
        Mat bgr = OpenCvImages.decode(encoded).orElseThrow(() -> new IllegalStateException("an image of the dataset does not decode"));
        try (bgr) {
            double w = bgr.cols();
            double h = bgr.rows();
            boolean jpeg = encoded.length > 2 && (encoded[0] & 0xFF) == 0xFF && (encoded[1] & 0xFF) == 0xD8;
            boolean png = encoded.length > 4 && (encoded[1] & 0xFF) == 'P' && (encoded[2] & 0xFF) == 'N' && (encoded[3] & 0xFF) == 'G';
            boolean webp = encoded.length > 12 && encoded[8] == 'W' && encoded[9] == 'E' && encoded[10] == 'B' && encoded[11] == 'P';
            double quality = JpegQuality.estimate(encoded).orElse(100);
            double[] f = new double[NAMES.size()];
            f[0] = w;
            f[1] = h;
            f[2] = encoded.length;
            f[3] = encoded.length / (w * h);
            f[4] = jpeg ? 1 : 0;
            f[5] = png ? 1 : 0;
            f[6] = webp ? 1 : 0;
            f[7] = quality;
            f[8] = OpenCvImages.laplacianVariance(bgr);
            try (Mat gray = OpenCvImages.gray(bgr)) {
                f[9] = highFrequencyRatio(gray);
                double[] ms = meanStd(gray);
                f[10] = ms[0];
                f[11] = ms[1];
            }
            try (Mat mean = new Mat(); Mat std = new Mat()) {
                opencv_core.meanStdDev(bgr, mean, std);
                try (DoubleIndexer m = mean.createIndexer(); DoubleIndexer s = std.createIndexer()) {
                    for (int c = 0; c < 3; c++) {
                        f[12 + c] = m.get(c);
                        f[15 + c] = s.get(c);
                    }
                }
            }
            return f;
        }
    }

    private static double[] meanStd(Mat gray) {
        try (Mat mean = new Mat(); Mat std = new Mat()) {
            opencv_core.meanStdDev(gray, mean, std);
            try (DoubleIndexer m = mean.createIndexer(); DoubleIndexer s = std.createIndexer()) {
                return new double[] {m.get(0), s.get(0)};
            }
        }
    }

    /** Share of the (mean-removed) spectral energy at radial frequency above the cut-off. */
    static double highFrequencyRatio(Mat gray) {
        try (Mat f = new Mat(); Mat spectrum = new Mat()) {
            gray.convertTo(f, CV_32F, 1.0, -opencv_core.mean(gray).get(0));
            dft(f, spectrum, DFT_COMPLEX_OUTPUT, 0);
            int rows = spectrum.rows();
            int cols = spectrum.cols();
            double high = 0;
            double total = 0;
            try (FloatIndexer s = spectrum.createIndexer()) {
                for (int y = 0; y < rows; y++) {
                    double fy = (y <= rows / 2 ? y : y - rows) / (double) rows;
                    for (int x = 0; x < cols; x++) {
                        double fx = (x <= cols / 2 ? x : x - cols) / (double) cols;
                        double re = s.get(y, x, 0);
                        double im = s.get(y, x, 1);
                        double e = re * re + im * im;
                        total += e;
                        if (Math.hypot(fx, fy) > HIGH_FREQUENCY_CUTOFF) {
                            high += e;
                        }
                    }
                }
            }
            return total > 0 ? high / total : 0;
        }
    }
}
