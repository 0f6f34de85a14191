package dev.genbench.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reference sequences from CPython, NumPy and scikit-learn: the committed fixture, and the same script run live
 * when Debian's /usr/bin/python3 with numpy and scikit-learn is present.
 */
final class RngReference {
    static final Path SCRIPT = Path.of("src/test/python/make_rng_fixtures.py");
    static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode committed;
    private static Optional<JsonNode> live;
    private static String liveSkipReason;

    private RngReference() {}

    static synchronized JsonNode committed() {
        if (committed == null) {
            try (InputStream in = RngReference.class.getResourceAsStream("rng-fixtures.json")) {
                committed = JSON.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return committed;
    }

    /** The script's output now, or empty (with {@link #liveSkipReason()}) when it cannot run here. */
    static synchronized Optional<JsonNode> live() {
        if (live != null) {
            return live;
        }
        live = Optional.empty();
        if (!Files.isExecutable(PYTHON)) {
            liveSkipReason = PYTHON + " is absent";
            return live;
        }
        try {
            Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import numpy, sklearn").redirectErrorStream(true).start();
            if (!probe.waitFor(60, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                liveSkipReason = PYTHON + " lacks numpy or scikit-learn (install python3-numpy and python3-sklearn)";
                return live;
            }
            Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                liveSkipReason = SCRIPT + " failed";
                return live;
            }
            live = Optional.of(JSON.readTree(out));
        } catch (IOException e) {
            liveSkipReason = "cannot run " + PYTHON + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            liveSkipReason = "interrupted";
        }
        if (live.isEmpty()) {
            System.out.println("live CPython/NumPy comparison skipped: " + liveSkipReason);
        }
        return live;
    }

    static String liveSkipReason() {
        return liveSkipReason;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Long.parseUnsignedLong(array.get(i).asText());
        }
        return out;
    }

    /** SHA-256 of the comma-joined decimal values, as the script's {@code digest}. */
    static String digest(int[] values) {
        StringBuilder s = new StringBuilder(values.length * 7);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(values[i]);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
