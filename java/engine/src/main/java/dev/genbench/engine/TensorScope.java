package dev.genbench.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Closes, in one place, every tensor created on this thread while it is open: one training step
 * is one {@code try (TensorScope s = TensorScope.open()) { ... }} block. Scopes nest (run, window,
 * epoch, batch); the innermost open scope owns new tensors. A tensor that must outlive the scope
 * is moved to the enclosing one (or to the caller, at the outermost level) with {@link #keep}.
 *
 * <p>A scope belongs to the thread that opened it and must be closed on that thread, innermost
 * first. Not thread-safe by design.
 */
public final class TensorScope implements AutoCloseable {

    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();

    private final TensorScope parent;
    private final Thread thread;
    private final List<Tensor> owned = new ArrayList<>();
    private boolean closed;

    private TensorScope(TensorScope parent) {
        this.parent = parent;
        this.thread = Thread.currentThread();
    }

    /** Opens a scope nested in the current one (if any) on this thread. */
    public static TensorScope open() {
        TensorScope s = new TensorScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    static void register(Tensor t) {
        TensorScope s = CURRENT.get();
        if (s != null) {
            s.owned.add(t);
        }
    }

    /**
     * Moves {@code t} out of this scope: to the enclosing scope, or, when this is the outermost
     * scope, to the caller, who then closes it. Returns {@code t}.
     */
    public Tensor keep(Tensor t) {
        checkThread();
        int slot = owned.indexOf(t);
        if (slot >= 0) {
            // The slot stays, empty, so that marks taken with size() keep their meaning.
            owned.set(slot, null);
            if (parent != null) {
                parent.owned.add(t);
            }
        }
        return t;
    }

    /**
     * Slots this scope has filled: the tensors it owns (open or closed early) and the empty slots of
     * those moved out with {@link #keep}. A mark for {@link #ownedSince}.
     */
    public int size() {
        return owned.size();
    }

    /** The innermost scope open on this thread, or null when none is. */
    public static TensorScope current() {
        return CURRENT.get();
    }

    /** The tensors this scope took since {@link #size()} returned {@code mark}, oldest first. */
    public List<Tensor> ownedSince(int mark) {
        checkThread();
        return owned.subList(Math.min(mark, owned.size()), owned.size()).stream().filter(java.util.Objects::nonNull).toList();
    }

    private void checkThread() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a TensorScope is used on thread " + Thread.currentThread().getName()
                    + " but belongs to " + thread.getName());
        }
    }

    /** Closes every tensor still owned, newest first, and makes the enclosing scope current. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        checkThread();
        if (CURRENT.get() != this) {
            throw new IllegalStateException("TensorScopes must be closed innermost first");
        }
        closed = true;
        for (int i = owned.size() - 1; i >= 0; i--) {
            Tensor t = owned.get(i);
            if (t != null) {
                t.close();
            }
        }
        owned.clear();
        CURRENT.set(parent);
    }
}
