package dev.genbench.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genbench.console.UserError;
import dev.genbench.io.Npz;
import dev.genbench.io.NpyArray;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A probe's checkpoint, {@code window_<k>/checkpoints/epoch=<e>-step=<s>.ckpt}: a self-describing
 * {@code .npz} (NumPy opens it) holding the head's parameters by name, as the original's probe
 * checkpoints hold the head only (SPEC §7.2), and a {@code metadata} entry (JSON) saying what made it.
 * Written atomically. Never Java object serialization.
 */
public record ProbeCheckpoint(Map<String, float[]> parameters, Map<String, Object> metadata) {
    static final String METADATA = "metadata";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    static String fileName(long epoch, long step) {
        return "epoch=" + epoch + "-step=" + step + ".ckpt";
    }

    Path write(Path checkpointsFolder, long epoch, long step) {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        parameters.forEach((name, values) -> arrays.put(name, new NpyArray.Float32(values,
                name.endsWith(".weight") ? new int[] {1, values.length} : new int[] {values.length})));
        Map<String, Object> meta = new LinkedHashMap<>(metadata);
        meta.put("format", FORMAT);
        meta.put("epoch", epoch);
        meta.put("global_step", step);
        try {
            arrays.put(METADATA, NpyArray.of(JSON.writeValueAsString(meta)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("checkpoint metadata is not JSON-serialisable: " + meta, e);
        }
        Path file = checkpointsFolder.resolve(fileName(epoch, step));
        Npz.write(file, arrays);
        return file;
    }

    @SuppressWarnings("unchecked")
    public static ProbeCheckpoint read(Path file) {
        Map<String, NpyArray> arrays = Npz.read(file);
        if (!(arrays.get(METADATA) instanceof NpyArray.Unicode meta) || meta.data().length != 1) {
            throw new UserError("'" + file + "' is not a genbench probe checkpoint (no metadata entry)");
        }
        Map<String, Object> metadata;
        try {
            metadata = JSON.readValue(meta.data()[0], Map.class);
        } catch (JsonProcessingException e) {
            throw new UserError("checkpoint '" + file + "' has unreadable metadata (" + e.getOriginalMessage() + ")");
        }
        Map<String, float[]> parameters = new LinkedHashMap<>();
        arrays.forEach((name, array) -> {
            if (array instanceof NpyArray.Float32 f) {
                parameters.put(name, f.data());
            }
        });
        return new ProbeCheckpoint(parameters, metadata);
    }

    public long globalStep() {
        return ((Number) metadata.getOrDefault("global_step", 0)).longValue();
    }
}
