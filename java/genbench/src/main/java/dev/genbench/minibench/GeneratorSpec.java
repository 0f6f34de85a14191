package dev.genbench.minibench;

import java.time.LocalDate;
import java.util.List;

/**
 * One generator of the mini benchmark: a super-resolution model from an npm package, at one scale.
 *
 * @param name the {@code generator} value of its rows
 * @param npmPackage the package that ships it (its version is in {@link ModelStore})
 * @param modelDir the TF.js model folder inside the package
 * @param scale the upscaling factor
 * @param unitRange whether the model takes and returns 0-1 pixels (the RRDN models) instead of 0-255
 * @param releaseDate a fictional date that orders the generators into windows; only the order means anything
 */
record GeneratorSpec(String name, String npmPackage, String modelDir, int scale, boolean unitRange, LocalDate releaseDate) {

    /**
     * The longest LR side this generator is given. The RRDN models (esrgan-thick) cost about 20 times more per
     * input pixel than the slim RDN, and div2k about 5 times, so their inputs are capped to keep the default
     * build inside its time budget. Harmless as a cue: a fake and its paired real always share one geometry.
     */
    int maxInputLongSide() {
        if (unitRange) {
            return 160;
        }
        return npmPackage.equals(LEGACY) ? 224 : Integer.MAX_VALUE;
    }

    static final String SLIM = "@upscalerjs/esrgan-slim";
    static final String MEDIUM = "@upscalerjs/esrgan-medium";
    static final String THICK = "@upscalerjs/esrgan-thick";
    static final String LEGACY = "@upscalerjs/esrgan-legacy";

    /**
     * The 12 generators in release order, three windows of four. Each window mixes the four model families
     * and three scales (MINI-BENCHMARK.md, "interleaved" order): a window of one family or one scale leaves
     * the next window either trivial or near chance. The ×8 models are left out: their output shows 8×8
     * blocks that no sharpness matching hides.
     */
    static List<GeneratorSpec> defaults() {
        return List.of(
                rdn("esrgan-slim-x2", SLIM, "models/x2", 2, "2019-02-01"),
                rdn("esrgan-medium-x3", MEDIUM, "models/x3", 3, "2019-05-01"),
                rrdn("esrgan-thick-x4", THICK, "models/x4", 4, "2019-08-01"),
                rdn("esrgan-div2k-x2", LEGACY, "models/div2k/x2", 2, "2019-11-01"),
                rdn("esrgan-medium-x2", MEDIUM, "models/x2", 2, "2020-02-01"),
                rrdn("esrgan-thick-x3", THICK, "models/x3", 3, "2020-05-01"),
                rdn("esrgan-slim-x4", SLIM, "models/x4", 4, "2020-08-01"),
                rdn("esrgan-div2k-x3", LEGACY, "models/div2k/x3", 3, "2020-11-01"),
                rrdn("esrgan-thick-x2", THICK, "models/x2", 2, "2021-02-01"),
                rdn("esrgan-slim-x3", SLIM, "models/x3", 3, "2021-05-01"),
                rdn("esrgan-medium-x4", MEDIUM, "models/x4", 4, "2021-08-01"),
                rdn("esrgan-div2k-x4", LEGACY, "models/div2k/x4", 4, "2021-11-01"));
    }

    private static GeneratorSpec rdn(String name, String pkg, String dir, int scale, String date) {
        return new GeneratorSpec(name, pkg, dir, scale, false, LocalDate.parse(date));
    }

    private static GeneratorSpec rrdn(String name, String pkg, String dir, int scale, String date) {
        return new GeneratorSpec(name, pkg, dir, scale, true, LocalDate.parse(date));
    }
}
