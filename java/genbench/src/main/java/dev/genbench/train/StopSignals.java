package dev.genbench.train;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * Turns Ctrl-C (SIGINT), SIGTERM and SLURM's pre-emption warning (SIGUSR1, from
 * {@code sbatch --signal=B:USR1@<seconds>}) into a request that the running loop sees at its next batch:
 * it saves a checkpoint and stops cleanly, in seconds. A second Ctrl-C or SIGTERM ends the process at once
 * (status 130 or 143), as a user pressing Ctrl-C twice expects. The handlers replace the JVM's default
 * ones only while installed.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}, open to every application; the
 * {@code jdk.internal.misc} one is not). Thread-safe.
 */
public final class StopSignals {
    private StopSignals() {}

    /** Why a run was asked to stop, and the exit status a process stopped that way reports. */
    public enum Reason {
        INTERRUPT("INT", 130), TERMINATE("TERM", 143), PREEMPT("USR1", 0);

        final String signal;
        public final int exitStatus;

        Reason(String signal, int exitStatus) {
            this.signal = signal;
            this.exitStatus = exitStatus;
        }

        public String signalName() {
            return "SIG" + signal;
        }
    }

    private static final AtomicReference<Reason> REQUESTED = new AtomicReference<>();
    private static volatile boolean installed;

    /** Installs the handlers (once per process); a platform without one of the signals keeps its default. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        for (Reason reason : Reason.values()) {
            try {
                Signal.handle(new Signal(reason.signal), s -> onSignal(reason));
            } catch (IllegalArgumentException e) {
                // The signal does not exist here (USR1 on Windows) or the JVM reserves it; its default stays.
            }
        }
        installed = true;
    }

    private static void onSignal(Reason reason) {
        if (!REQUESTED.compareAndSet(null, reason)) {
            if (reason == Reason.PREEMPT || REQUESTED.get() == Reason.PREEMPT) {
                // A repeated warning changes nothing, and the SIGTERM with which SLURM ends a job it requeues
                // finds the checkpoint already being saved; its KillWait ends the process if it lingers.
                return;
            }
            System.err.println("genbench: second signal (" + reason.signalName() + "), exiting now without saving");
            System.err.flush();
            Runtime.getRuntime().halt(reason.exitStatus == 0 ? 143 : reason.exitStatus);
        }
        System.err.println("genbench: " + reason.signalName() + " received; saving a checkpoint and stopping"
                + (reason == Reason.INTERRUPT ? " (Ctrl-C again to exit at once)" : ""));
        System.err.flush();
    }

    /** The pending stop request, if any. */
    public static Optional<Reason> requested() {
        return Optional.ofNullable(REQUESTED.get());
    }

    /** Asks the running loop to stop as if {@code reason}'s signal had arrived (tests, and embedding code). */
    public static void request(Reason reason) {
        REQUESTED.compareAndSet(null, reason);
    }

    /** Forgets a handled request, so the same process can run again (tests). */
    public static void clear() {
        REQUESTED.set(null);
    }

    /** Throws {@link TrainingStopped} when a stop was requested: for loops that have nothing to save (the cache is durable row by row). */
    static void stopIfRequested(String where) {
        Reason reason = REQUESTED.get();
        if (reason != null) {
            throw new TrainingStopped(reason, Optional.empty(), where);
        }
    }
}
