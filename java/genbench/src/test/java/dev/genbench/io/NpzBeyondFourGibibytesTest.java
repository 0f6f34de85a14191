package dev.genbench.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.testing.ReferencePython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real file past 4 GiB (about 4.8 GB on disk, 1.2 GB of heap): the entry after the limit must be
 * found through ZIP64 offsets, by NumPy and by our reader. Tagged slow; run with {@code -Pslow}.
 */
@Tag("slow")
class NpzBeyondFourGibibytesTest {

    @Test
    void anEntryPastFourGibibytesIsFoundByNumpyAndByUs(@TempDir Path dir) throws IOException {
        float[] big = new float[300_000_000]; // 1.2 GB, shared by four entries
        big[big.length - 1] = 42f;
        var arrays = new LinkedHashMap<String, NpyArray>();
        for (String k : List.of("a", "b", "c", "d")) {
            arrays.put(k, NpyArray.of(big));
        }
        arrays.put("tail", NpyArray.of(new long[] {5, 6, 7}));
        Path file = dir.resolve("big.npz");
        Npz.write(file, arrays);
        assertTrue(Files.size(file) > (1L << 32), "the file must pass 4 GiB");
        assertArrayEquals(new long[] {5, 6, 7}, ((NpyArray.Int64) Npz.read(file, Set.of("tail")::contains).get("tail")).data());
        if (ReferencePython.INTERPRETER.toFile().canExecute()) {
            ReferencePython.assumeModules("numpy");
            String out = ReferencePython.runOk(List.of("-c", "import numpy as np, zipfile, sys\n"
                    + "z = zipfile.ZipFile(sys.argv[1])\n"
                    + "print([i.header_offset > 2**32 for i in z.infolist()][-1])\n"
                    + "d = np.load(sys.argv[1])\n"
                    + "print(d['tail'].tolist(), float(d['d'][-1]))\n", file.toString()), 600);
            assertEquals("True\n[5, 6, 7] 42.0\n", out);
        }
    }
}
