package dev.genbench.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genbench.console.UserError;
import dev.genbench.testing.ReferencePython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our .npz files against NumPy's: NumPy loads ours to the same keys, dtypes, shapes and values as the
 * same arrays saved by {@code numpy.savez}, and our reader reads what NumPy writes.
 */
class NpzWorksWithNumPyTest {
    private static final String SCRIPT = ReferencePython.SCRIPTS.resolve("npz_reference.py").toString();

    /** The arrays npz_reference.py builds, built here too. */
    static Map<String, NpyArray> arrays() {
        var m = new LinkedHashMap<String, NpyArray>();
        m.put("scores", NpyArray.of(new float[] {0.25f, -1.5f, 3.0e-8f}));
        m.put("ids", new NpyArray.Int64(new long[] {1, -2, 3, 1L << 40, 0, -(1L << 62)}, new int[] {2, 3}));
        m.put("doubles", NpyArray.of(new double[] {0.1, 1e300}));
        m.put("small", new NpyArray.Int32(new int[] {7, -8}, new int[] {2}));
        m.put("flags", new NpyArray.Bool(new boolean[] {true, false, true}, new int[] {3}));
        m.put("names", NpyArray.of("", "Stable Diffusion 1.4", "café \uD83D\uDE00"));
        m.put("grid", new NpyArray.Unicode(new String[] {"a", "bb", "ccc", ""}, new int[] {2, 2}));
        m.put("scalar", new NpyArray.Float32(new float[] {2.5f}, new int[0]));
        m.put("empty", NpyArray.of(new long[0]));
        return m;
    }

    private static String numpyView(Path file) throws IOException {
        return new ObjectMapper().readTree(ReferencePython.runOk(List.of(SCRIPT, "inspect", file.toString()), 60)).toString();
    }

    @Test
    void numpyLoadsOurFileExactlyAsItsOwnSavez(@TempDir Path dir) throws IOException {
        ReferencePython.assumeModules("numpy");
        Path ours = dir.resolve("ours.npz");
        Npz.write(ours, arrays());
        ReferencePython.runOk(List.of(SCRIPT, "write", dir.toString()), 60);
        assertEquals(numpyView(dir.resolve("savez.npz")), numpyView(ours));
    }

    @Test
    void numpyLoadsOurZip64Records(@TempDir Path dir) throws IOException {
        ReferencePython.assumeModules("numpy");
        Path ours = dir.resolve("zip64.npz");
        Npz.write(ours, arrays(), true);
        ReferencePython.runOk(List.of(SCRIPT, "write", dir.toString()), 60);
        assertEquals(numpyView(dir.resolve("savez.npz")), numpyView(ours));
        assertEquals(arrays().keySet(), Npz.read(ours).keySet());
    }

    @Test
    void infoZipTestsOurArchivesCleanWithAndWithoutZip64(@TempDir Path dir) throws Exception {
        Path unzip = Path.of("/usr/bin/unzip");
        if (!Files.isExecutable(unzip)) {
            System.out.println("[skipped] unzip is missing: apt-get install unzip to check archives with Info-ZIP");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(unzip), "unzip is missing");
        for (boolean zip64 : new boolean[] {false, true}) {
            Path file = dir.resolve("z" + zip64 + ".npz");
            Npz.write(file, arrays(), zip64);
            Process p = new ProcessBuilder(unzip.toString(), "-t", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.contains("No errors detected"), out);
        }
    }

    @Test
    void ourReaderReadsWhatNumpyWritesStoredOrCompressed(@TempDir Path dir) throws IOException {
        ReferencePython.assumeModules("numpy");
        ReferencePython.runOk(List.of(SCRIPT, "write", dir.toString()), 60);
        for (String name : List.of("savez.npz", "savez_compressed.npz")) {
            assertSameArrays(arrays(), Npz.read(dir.resolve(name)));
        }
        Map<String, NpyArray> versions = Npz.read(dir.resolve("versions.npz"));
        assertEquals(List.of("v1", "v2", "v3"), List.copyOf(versions.keySet()));
        for (NpyArray a : versions.values()) {
            assertArrayEquals(((NpyArray.Unicode) arrays().get("names")).data(), ((NpyArray.Unicode) a).data());
        }
    }

    @Test
    void ourWriterAndReaderRoundTripWithoutPython(@TempDir Path dir) {
        Path file = dir.resolve("round.npz");
        Npz.write(file, arrays());
        assertSameArrays(arrays(), Npz.read(file));
        Npz.write(file, arrays(), true);
        assertSameArrays(arrays(), Npz.read(file));
    }

    @Test
    void headersAreSixtyFourByteAlignedAndSpellTheShapeAsPythonDoes() {
        byte[] h = Npy.header(new NpyArray.Unicode(new String[] {"x"}, new int[] {1, 1}));
        assertEquals(0, h.length % 64);
        String text = new String(h, 10, h.length - 10, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("{'descr': '<U1', 'fortran_order': False, 'shape': (1, 1), }"), text);
        assertTrue(new String(Npy.header(NpyArray.of(new float[3])), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("'shape': (3,), }"));
        assertTrue(new String(Npy.header(new NpyArray.Float32(new float[1], new int[0])),
                java.nio.charset.StandardCharsets.ISO_8859_1).contains("'shape': (), }"));
    }

    @Test
    void aDamagedEntryFailsItsCrcCheckNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("damaged.npz");
        Npz.write(file, Map.of("scores", NpyArray.of(new float[] {1, 2, 3, 4})));
        byte[] bytes = Files.readAllBytes(file);
        bytes[30 + "scores.npy".length() + 128 + 2] ^= 0x40; // a byte of the float data
        Files.write(file, bytes);
        var e = assertThrows(UserError.class, () -> Npz.read(file));
        assertTrue(e.getMessage().contains("damaged.npz") && e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void anUnsupportedDtypeIsNamedWithTheKey(@TempDir Path dir) throws IOException {
        ReferencePython.assumeModules("numpy");
        Path file = dir.resolve("u2.npz");
        ReferencePython.runOk(List.of("-c", "import numpy as np; np.savez('" + file + "', half=np.zeros(2, np.float16))"), 60);
        var e = assertThrows(UserError.class, () -> Npz.read(file));
        assertTrue(e.getMessage().contains("'half'") && e.getMessage().contains("<f2"), e.getMessage());
    }

    static void assertSameArrays(Map<String, NpyArray> expected, Map<String, NpyArray> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        for (String key : expected.keySet()) {
            NpyArray e = expected.get(key), a = actual.get(key);
            assertEquals(e.descr(), a.descr(), key);
            assertArrayEquals(e.shape(), a.shape(), key);
            switch (e) {
                case NpyArray.Float32 x -> assertArrayEquals(x.data(), ((NpyArray.Float32) a).data(), key);
                case NpyArray.Float64 x -> assertArrayEquals(x.data(), ((NpyArray.Float64) a).data(), key);
                case NpyArray.Int32 x -> assertArrayEquals(x.data(), ((NpyArray.Int32) a).data(), key);
                case NpyArray.Int64 x -> assertArrayEquals(x.data(), ((NpyArray.Int64) a).data(), key);
                case NpyArray.Bool x -> assertArrayEquals(x.data(), ((NpyArray.Bool) a).data(), key);
                case NpyArray.Unicode x -> assertArrayEquals(x.data(), ((NpyArray.Unicode) a).data(), key);
            }
        }
    }
}
