package dev.genbench.image;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One step of an image pipeline, working on 8-bit RGB Mats.
 *
 * <p>Contract: {@code apply} may modify {@code src} in place and return it, or return a new Mat (possibly a
 * region of {@code src}, which shares its refcounted pixels). It never closes {@code src}: {@link OpChain}
 * closes the previous image when a step returns a different one, so ownership stays in one place. Every
 * random choice is drawn from {@code rng}, in the order the original draws it.
 */
public sealed interface ImageOp
        permits RandomCropIfLarge, RandomGrayscale, JpegRecompression, GaussianNoise, RandomResizedCrop,
                RandomResizedCropVariable, ColorJitter, CoarseDropout, GaussianBlurOp, RandomRotate90,
                RandomHorizontalFlip {

    Mat apply(Mat src, SeededRng rng);
}
