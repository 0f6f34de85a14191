package dev.genbench.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.image.JpegRecompression;
import dev.genbench.image.RandomGrayscale;
import org.junit.jupiter.api.Test;

/**
 * The feature cache key of a module's augmentations must be the same in every process: a record's own
 * {@code toString} prints an array component by its identity, which changes from run to run.
 */
class ModulePipelinesTest {

    @Test
    void aRecordStepIsDescribedByItsContentsNotByTheIdentityOfItsArrays() {
        var a = new JpegRecompression(0.5, new int[] {30, 100});
        var b = new JpegRecompression(0.5, new int[] {30, 100});
        assertEquals(ModulePipelines.describe(a), ModulePipelines.describe(b));
        assertTrue(ModulePipelines.describe(a).endsWith("JpegRecompression[p=0.5, qualities=[30, 100]]"), ModulePipelines.describe(a));
        assertNotEquals(ModulePipelines.describe(a), ModulePipelines.describe(new JpegRecompression(0.5, new int[] {40, 100})));
        assertEquals("dev.genbench.image.RandomGrayscale[p=0.2]", ModulePipelines.describe(new RandomGrayscale(0.2)));
    }
}
