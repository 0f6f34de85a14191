package dev.genbench.detector;

import dev.genbench.console.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads the app image's pre-extracted native libraries ({@code lib/native}) in dependency order, so that nothing
 * is unpacked at start-up. JavaCPP's own loader is switched off for this: it would also load the JNI glue of
 * OpenBLAS's Java API (24 MB that OpenCV's core library does not need; it links OpenBLAS itself) and copy
 * libraries into a cache folder. The framework keeps JavaCPP's loader; only the app image's launcher names the
 * folder ({@code -Ddetector.natives}).
 */
final class BundledNatives {
    static final String PROPERTY = "detector.natives";
    /** Dependencies first: the dynamic linker resolves each library's needs against those already loaded. */
    private static final List<String> ORDER = List.of("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0",
            "libopencv_core.so.413", "libopencv_imgproc.so.413", "libopencv_imgcodecs.so.413", "libjnijavacpp.so",
            "libjniopencv_core.so", "libjniopencv_imgproc.so", "libjniopencv_imgcodecs.so");

    private BundledNatives() {}

    /** Loads the folder's libraries when the launcher named one; a no-op otherwise. */
    static void loadIfBundled() {
        String folder = System.getProperty(PROPERTY);
        if (folder == null) {
            return;
        }
        System.setProperty("org.bytedeco.javacpp.loadLibraries", "false");
        for (String name : ORDER) {
            Path lib = Path.of(folder, name);
            if (!Files.isRegularFile(lib)) {
                throw new UserError("the app image is incomplete: native library '" + lib + "' is missing; export the detector again");
            }
            System.load(lib.toAbsolutePath().toString());
        }
    }
}
