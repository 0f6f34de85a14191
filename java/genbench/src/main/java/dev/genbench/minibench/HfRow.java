package dev.genbench.minibench;

import java.util.List;

/**
 * One row of a Hugging Face {@code save_to_disk} split in the AI-GenBench layout (SPEC §1.2).
 *
 * @param imageBytes the encoded image file
 * @param imagePath the file's base name, stored beside the bytes as HF's Image feature does
 * @param label 0 real, 1 fake
 * @param generator the generator's name; "" for reals
 */
record HfRow(
        byte[] imageBytes, String imagePath, int width, int height, long label, String generator, String fileId,
        String description, String positivePrompt, String negativePrompt, String conditioning, String originDataset,
        List<String> pairedRealImages) {

    HfRow {
        if ((label == 0) != generator.isEmpty()) {
            throw new IllegalArgumentException("row " + fileId + ": label " + label + " with generator '" + generator + "'");
        }
        pairedRealImages = List.copyOf(pairedRealImages);
    }
}
