package dev.genbench.train;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A run stopped on request (a signal) after saving what it had: not an error. The command reports it,
 * requeues the job when SLURM pre-empted it, and exits with {@link StopSignals.Reason#exitStatus}.
 */
public final class TrainingStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient StopSignals.Reason reason;
    private final transient Optional<Path> checkpoint;

    TrainingStopped(StopSignals.Reason reason, Optional<Path> checkpoint, String where) {
        super(reason.signalName() + " during " + where + checkpoint.map(c -> "; saved " + c).orElse("; nothing to save"));
        this.reason = reason;
        this.checkpoint = checkpoint;
    }

    public StopSignals.Reason reason() {
        return reason;
    }

    public Optional<Path> checkpoint() {
        return checkpoint;
    }
}
