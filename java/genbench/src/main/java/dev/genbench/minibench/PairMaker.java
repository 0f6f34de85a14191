package dev.genbench.minibench;

import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Makes one fake and its paired real from the same low-resolution crop, so that "was it upscaled" is no cue
 * (design D8 of MINI-BENCHMARK.md): the fake is the generator's output, the real a classical upscale of the
 * same LR image, sharpened (unsharp mask) or blurred until its Laplacian variance after the final resize
 * equals the fake's. Both then get the same final resize and the same JPEG quality.
 */
final class PairMaker {
    /** Bisection steps for the sharpening amount or blur sigma. */
    static final int MATCH_STEPS = 12;
    static final double MAX_SHARPEN = 8.0;
    static final double MAX_BLUR_SIGMA = 3.0;

    record Pair(byte[] fakeJpeg, byte[] realJpeg) {}

    private PairMaker() {}

    static Pair make(SamplePlan p, Mat photo, Upscaler generator) {
        try (Mat crop = new Mat(photo, new Rect(p.cropX(), p.cropY(), p.cropW(), p.cropH()));
                Mat lr = OpenCvImages.resized(crop, p.lrW(), p.lrH(), p.lrInterpolation());
                Mat fake = generator.upscale(lr);
                Mat fakeFinal = OpenCvImages.resized(fake, p.finalW(), p.finalH(), p.finalInterpolation());
                Mat up = OpenCvImages.resized(lr, p.outW(), p.outH(), p.upInterpolation());
                Mat real = matchSharpness(up, p, OpenCvImages.laplacianVariance(fakeFinal))) {
            return new Pair(OpenCvImages.encodeJpeg(fakeFinal, p.jpegQuality()), OpenCvImages.encodeJpeg(real, p.jpegQuality()));
        }
    }

    /** The classical upscale, sharpened or blurred then resized to the final size, with Laplacian variance ≈ target. */
    static Mat matchSharpness(Mat up, SamplePlan p, double target) {
        Mat plain = OpenCvImages.resized(up, p.finalW(), p.finalH(), p.finalInterpolation());
        double plainVariance = OpenCvImages.laplacianVariance(plain);
        if (Math.abs(plainVariance - target) < 1e-9) {
            return plain;
        }
        plain.close();
        boolean sharpen = plainVariance < target;
        try (Mat blurred = new Mat()) {
            if (sharpen) {
                GaussianBlur(up, blurred, new Size(0, 0), p.sharpenRadius());
            }
            // Variance rises with the sharpening amount and falls with the blur sigma: bisect on that.
            double lo = 0;
            double hi = sharpen ? MAX_SHARPEN : MAX_BLUR_SIGMA;
            Mat best = null;
            double bestGap = Double.MAX_VALUE;
            for (int step = 0; step < MATCH_STEPS; step++) {
                double mid = (lo + hi) / 2;
                Mat candidate = sharpen ? resizedSharpened(up, blurred, mid, p) : resizedBlurred(up, mid, p);
                double variance = OpenCvImages.laplacianVariance(candidate);
                double gap = Math.abs(variance - target);
                if (gap < bestGap) {
                    if (best != null) {
                        best.close();
                    }
                    best = candidate;
                    bestGap = gap;
                } else {
                    candidate.close();
                }
                boolean tooSharp = variance > target;
                if (sharpen == tooSharp) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return best;
        }
    }

    private static Mat resizedSharpened(Mat up, Mat blurred, double amount, SamplePlan p) {
        try (Mat sharp = new Mat()) {
            // up + amount·(up − blur), saturated to 8 bits: PIL's UnsharpMask without threshold.
            addWeighted(up, 1 + amount, blurred, -amount, 0, sharp);
            return OpenCvImages.resized(sharp, p.finalW(), p.finalH(), p.finalInterpolation());
        }
    }

    private static Mat resizedBlurred(Mat up, double sigma, SamplePlan p) {
        try (Mat soft = new Mat()) {
            GaussianBlur(up, soft, new Size(0, 0), Math.max(sigma, 0.05));
            return OpenCvImages.resized(soft, p.finalW(), p.finalH(), p.finalInterpolation());
        }
    }
}
