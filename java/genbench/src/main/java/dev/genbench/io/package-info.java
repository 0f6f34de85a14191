/**
 * Byte formats and safe writes: NumPy {@code .npz}/{@code .npy} (read and write, ZIP64), the
 * predictions files of SPEC §9, TensorBoard event files (TFRecord framing with masked CRC32C), and
 * {@link dev.genbench.io.AtomicFiles}, which every writer here goes through so that no reader ever sees
 * a half-written file.
 */
package dev.genbench.io;
