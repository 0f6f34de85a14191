package dev.genbench.minibench;

import java.nio.file.Path;

/**
 * A distinct real photo of the pool.
 *
 * @param id the first 16 hex digits of the SHA-256 of the file's bytes: names the cached copy and decides the split
 * @param file the cached copy (original bytes)
 * @param width pixel width after decoding
 * @param height pixel height after decoding
 * @param debPackage the Debian package it came from
 * @param origin its path in the package, with {@code " :: entry"} for photos inside a Qt resource container
 */
record Photo(String id, Path file, int width, int height, String debPackage, String origin) {

    int shortSide() {
        return Math.min(width, height);
    }
}
