package dev.genbench.minibench;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LANCZOS4;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Everything random about one fake/real pair, drawn before any pixel is touched so that the pair is a pure
 * function of (seed, generator, index) and a resumed build redoes exactly the missing pairs.
 *
 * <p>Geometry (MINI-BENCHMARK.md, recommended recipe, sizes leaning smaller for build time): the final image
 * has aspect w/h in [3/4, 4/3], long side ≤ 512 and short side ≥ 200; the generator's output is the final
 * size divided by r in [0.7, 0.9], so
 * both members of the pair are downscaled at the end; the low-resolution (LR) input is the output divided
 * by the scale; the crop is k times the output (k in [1.15, 2.5]), shrunk to fit the photo but always at
 * least 1.25 times the LR size, so the LR is always a true downscale of the photo.
 */
record SamplePlan(
        GeneratorSpec generator, int index, Split split, Photo photo,
        int cropX, int cropY, int cropW, int cropH,
        int lrW, int lrH, int outW, int outH, int finalW, int finalH,
        int lrInterpolation, int upInterpolation, int finalInterpolation,
        double sharpenRadius, int jpegQuality) {

    static final int MIN_SIDE = 200;
    static final int MAX_SIDE = 512;
    static final double MIN_LR_DOWNSCALE = 1.25;
    private static final List<Integer> LR_INTERPOLATIONS = List.of(INTER_CUBIC, INTER_LANCZOS4, INTER_AREA);
    private static final List<Integer> UP_INTERPOLATIONS = List.of(INTER_LINEAR, INTER_CUBIC, INTER_LANCZOS4);
    private static final List<Integer> FINAL_INTERPOLATIONS = List.of(INTER_LINEAR, INTER_CUBIC, INTER_LANCZOS4, INTER_AREA);

    /** The plan for {@code photo}, or empty when the photo is too small for this generator's scale. */
    static Optional<SamplePlan> draw(GeneratorSpec g, int index, Split split, Photo photo, SplittableRandom rng) {
        int s = g.scale();
        double aspect = Math.exp(uniform(rng, Math.log(0.75), Math.log(4.0 / 3.0)));
        double longOverShort = Math.max(aspect, 1 / aspect);
        // Square of a uniform: sizes span 200-512 px but lean small, which keeps the slowest generators
        // (RRDN at ×2, whose cost grows with the LR area) inside the build-time budget.
        double u2 = rng.nextDouble();
        double finalLong = MIN_SIDE * longOverShort + (MAX_SIDE - MIN_SIDE * longOverShort) * u2 * u2;
        double r = uniform(rng, 0.7, 0.9);
        double k = uniform(rng, 1.15, 2.5);
        double u = rng.nextDouble();
        double v = rng.nextDouble();
        int lrInterp = pick(rng, LR_INTERPOLATIONS);
        int upInterp = pick(rng, UP_INTERPOLATIONS);
        int finalInterp = pick(rng, FINAL_INTERPOLATIONS);
        double radius = uniform(rng, 0.8, 2.5);
        int quality = 70 + rng.nextInt(26);

        // Largest output (long side) whose LR, enlarged by MIN_LR_DOWNSCALE, still fits in the photo, and whose
        // LR stays within the generator's input cap.
        double wPerLong = aspect >= 1 ? 1 : aspect;
        double hPerLong = aspect >= 1 ? 1 / aspect : 1;
        double capLong = Math.min(photo.width() * s / MIN_LR_DOWNSCALE / wPerLong, photo.height() * s / MIN_LR_DOWNSCALE / hPerLong);
        capLong = Math.min(capLong, (double) g.maxInputLongSide() * s);
        double outLong = finalLong / r;
        if (outLong > capLong) {
            outLong = capLong;
            finalLong = Math.min(finalLong, outLong * r);
            if (finalLong < MIN_SIDE * longOverShort) {
                // Shrink less at the end rather than go below 200 px; r = 1 is the limit.
                r = MIN_SIDE * longOverShort / outLong;
                if (r > 1) {
                    return Optional.empty();
                }
            }
        }
        int lrW = Math.max(1, (int) Math.floor(outLong * wPerLong / s));
        int lrH = Math.max(1, (int) Math.floor(outLong * hPerLong / s));
        int outW = lrW * s;
        int outH = lrH * s;
        int finalW = Math.min(MAX_SIDE, Math.max(MIN_SIDE, (int) Math.round(outW * r)));
        int finalH = Math.min(MAX_SIDE, Math.max(MIN_SIDE, (int) Math.round(outH * r)));
        if (outW < finalW || outH < finalH) {
            return Optional.empty();
        }
        double kMax = Math.min((double) photo.width() / outW, (double) photo.height() / outH);
        double kMin = MIN_LR_DOWNSCALE / s;
        double kUsed = Math.max(kMin, Math.min(k, kMax));
        int cropW = Math.min(photo.width(), (int) Math.round(outW * kUsed));
        int cropH = Math.min(photo.height(), (int) Math.round(outH * kUsed));
        if (cropW < lrW * MIN_LR_DOWNSCALE - 1 || cropH < lrH * MIN_LR_DOWNSCALE - 1) {
            return Optional.empty();
        }
        int cropX = (int) Math.floor(u * (photo.width() - cropW));
        int cropY = (int) Math.floor(v * (photo.height() - cropH));
        return Optional.of(new SamplePlan(g, index, split, photo, cropX, cropY, cropW, cropH, lrW, lrH, outW, outH,
                finalW, finalH, lrInterp, upInterp, finalInterp, radius, quality));
    }

    String fakeFileId() {
        return "mini_genbench/" + split.hfName + "/" + generator.name() + "/" + String.format("%05d", index);
    }

    String realFileId() {
        return "debian/" + photo.id() + "/" + generator.name() + "-" + String.format("%05d", index);
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    private static int pick(SplittableRandom rng, List<Integer> options) {
        return options.get(rng.nextInt(options.size()));
    }
}
