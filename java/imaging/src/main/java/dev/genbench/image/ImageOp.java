package dev.genbench.image;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One step of an image pipeline, working on 8-bit RGB Mats.
 *
 * <p>Contract: {@code apply} may modify {@code src} in place and return it, or return a new Mat (possibly a
 * region of {@code src}, which shares its refcounted pixels). It never closes {@code src}: {@link OpChain}
 * closes the previous image when a step returns a different one, so ownership stays in one place. Every
 * random choice is drawn from {@code rng}, in the order the original draws it.
 *
 * <p>Not sealed: the evaluation steps live here, in the imaging module the standalone detector shares, and
 * the training-only augmentations in the framework's module.
 */
public interface ImageOp {

    Mat apply(Mat src, SeededRng rng);
}
