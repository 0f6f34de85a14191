/**
 * Recomputes every metric from saved predictions files, window by window and mechanism by mechanism,
 * as the original's {@code evaluate_predictions_multiwindow.py} does, and the headline from them.
 */
package dev.genbench.evaluate;
