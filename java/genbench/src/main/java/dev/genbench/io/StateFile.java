package dev.genbench.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The byte format of a training state (a checkpoint): a NumPy {@code .npz} holding tensors by name and
 * one {@code metadata} entry, a JSON object that says what the state is, with the SHA-256 of every
 * tensor under {@code checksums}. Self-describing ({@code numpy.load} opens it), never Java object
 * serialization; written atomically through {@link AtomicFiles}. Reading checks the zip CRCs and every
 * checksum, so a half-written or damaged file is refused as {@link Corrupt}, never half-loaded.
 *
 * <p>Immutable in intent: the maps are copied and the arrays are not; do not change them after building.
 */
public record StateFile(Map<String, NpyArray> tensors, Map<String, Object> metadata) {
    public static final String METADATA = "metadata";
    public static final String CHECKSUMS = "checksums";
    private static final ObjectMapper JSON = new ObjectMapper();

    public StateFile {
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        if (tensors.containsKey(METADATA)) {
            throw new IllegalArgumentException("a tensor cannot be named '" + METADATA + "'");
        }
    }

    /** A state file that fails its checks: the file and what is wrong, in one sentence. */
    public static final class Corrupt extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Corrupt(Path file, String reason) {
            super("'" + file + "' is damaged or incomplete (" + reason + ")");
        }
    }

    /** Writes the tensors and the metadata, checksums added, replacing {@code file} atomically. */
    public void write(Path file) {
        Map<String, Object> meta = new LinkedHashMap<>(metadata);
        meta.put(CHECKSUMS, checksums(tensors));
        Map<String, NpyArray> arrays = new LinkedHashMap<>(tensors);
        try {
            arrays.put(METADATA, NpyArray.of(JSON.writeValueAsString(meta)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("state metadata is not JSON-serialisable: " + meta, e);
        }
        Npz.write(file, arrays);
    }

    /**
     * Reads and verifies a state file. A file written before checksums existed (no {@code checksums}
     * entry) is read without that check.
     *
     * @throws Corrupt when the file is truncated, unreadable, or a tensor does not match its checksum
     */
    @SuppressWarnings("unchecked")
    public static StateFile read(Path file) {
        Map<String, NpyArray> arrays;
        try {
            arrays = Npz.read(file);
        } catch (UserError e) {
            throw new Corrupt(file, e.getMessage());
        }
        if (!(arrays.get(METADATA) instanceof NpyArray.Unicode text) || text.data().length != 1) {
            throw new Corrupt(file, "no metadata entry");
        }
        Map<String, Object> meta;
        try {
            meta = new LinkedHashMap<>(JSON.readValue(text.data()[0], Map.class));
        } catch (JsonProcessingException e) {
            throw new Corrupt(file, "unreadable metadata: " + e.getOriginalMessage());
        }
        Map<String, NpyArray> tensors = new LinkedHashMap<>(arrays);
        tensors.remove(METADATA);
        Object expected = meta.remove(CHECKSUMS);
        if (expected instanceof Map<?, ?> sums) {
            Map<String, String> actual = checksums(tensors);
            if (!actual.keySet().equals(sums.keySet())) {
                throw new Corrupt(file, "tensors " + actual.keySet() + " where the metadata lists " + sums.keySet());
            }
            for (var e : actual.entrySet()) {
                if (!e.getValue().equals(sums.get(e.getKey()))) {
                    throw new Corrupt(file, "tensor '" + e.getKey() + "' does not match its SHA-256");
                }
            }
        }
        return new StateFile(tensors, meta);
    }

    /** SHA-256 (hex) of each tensor's dtype, shape and little-endian data. */
    static Map<String, String> checksums(Map<String, NpyArray> tensors) {
        Map<String, String> out = new LinkedHashMap<>();
        tensors.forEach((name, array) -> out.put(name, sha256(array)));
        return out;
    }

    private static String sha256(NpyArray array) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Npy.header(array));
            Npy.writeData(array, digest::update);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot checksum a tensor", e);
        }
    }

    // ---------------------------------------------------------------- typed access

    public float[] floats(String name) {
        return switch (tensor(name)) {
            case NpyArray.Float32 f -> f.data();
            default -> throw new IllegalArgumentException("tensor '" + name + "' is not float32");
        };
    }

    public double[] doubles(String name) {
        return switch (tensor(name)) {
            case NpyArray.Float64 f -> f.data();
            default -> throw new IllegalArgumentException("tensor '" + name + "' is not float64");
        };
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    private NpyArray tensor(String name) {
        NpyArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("the state has no tensor '" + name + "' (it has " + tensors.keySet() + ")");
        }
        return a;
    }

    public long longValue(String key) {
        Object v = metadata.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("the state's metadata has no number '" + key + "'");
        }
        return n.longValue();
    }
}
