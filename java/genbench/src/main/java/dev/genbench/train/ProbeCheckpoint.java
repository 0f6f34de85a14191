package dev.genbench.train;

import dev.genbench.console.UserError;
import dev.genbench.io.StateFile;
import java.nio.file.Path;
import java.util.Map;

/**
 * A probe's checkpoint, {@code window_<k>/checkpoints/epoch=<e>-step=<s>.ckpt}, as evaluation and export
 * read it: the head's parameters by name, as the original's probe checkpoints hold the head only (SPEC
 * §7.2), and the metadata saying what made it. The bytes are a {@link StateFile} (a {@code .npz} NumPy
 * opens, with checksums); mid-window checkpoints hold the rest of the training state beside the head
 * ({@link TrainingState}). Never Java object serialization.
 */
public record ProbeCheckpoint(Map<String, float[]> parameters, Map<String, Object> metadata) {

    /** Reads and verifies a checkpoint; a damaged one is refused with a message naming it. */
    public static ProbeCheckpoint read(Path file) {
        StateFile state;
        try {
            state = StateFile.read(file);
        } catch (StateFile.Corrupt e) {
            throw new UserError("checkpoint " + e.getMessage() + "; restore it or train the window again");
        }
        return of(state);
    }

    static ProbeCheckpoint of(StateFile state) {
        return new ProbeCheckpoint(TrainingState.model(state), state.metadata());
    }

    public long globalStep() {
        return ((Number) metadata.getOrDefault("global_step", 0)).longValue();
    }

    public long epoch() {
        return ((Number) metadata.getOrDefault("epoch", 0)).longValue();
    }
}
