package dev.genbench.image;

/**
 * What a loader has done so far.
 *
 * @param images images delivered in batches
 * @param crops crops delivered (more than images with multicrop)
 * @param skipped bad images left out (on_bad_image = skip)
 * @param batches batches delivered
 * @param elapsedNanos time since the loader started
 */
public record LoaderStats(long images, long crops, long skipped, long batches, long elapsedNanos) {
    public double imagesPerSecond() {
        return elapsedNanos == 0 ? 0 : images / (elapsedNanos / 1e9);
    }
}
