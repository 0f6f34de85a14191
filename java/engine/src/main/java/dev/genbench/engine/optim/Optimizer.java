package dev.genbench.engine.optim;

import dev.genbench.engine.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer over parameter groups, with torch's update rules. {@link #step()} applies one
 * update from the parameters' accumulated gradients (a parameter without a gradient is skipped, as
 * in torch); {@link #zeroGrad()} clears them.
 *
 * <p>The optimizer owns its state tensors (momentum buffers, moment estimates), allocated unscoped
 * on the parameters' backend and freed by {@link #close()}. Not thread-safe.
 */
public abstract sealed class Optimizer implements AutoCloseable permits Sgd, Adam {

    private final List<ParamGroup> groups;
    final Map<Tensor, Tensor[]> state = new IdentityHashMap<>();

    Optimizer(List<ParamGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("an optimizer needs at least one parameter group");
        }
        this.groups = List.copyOf(groups);
    }

    public List<ParamGroup> groups() {
        return groups;
    }

    /** True for Adam and AdamW, whose cycled momentum is beta1. */
    public abstract boolean usesBetas();

    public abstract void step();

    public void zeroGrad() {
        for (ParamGroup g : groups) {
            for (Tensor p : g.params()) {
                p.zeroGrad();
            }
        }
    }

    /** Frees the optimizer's state; the parameters stay with their owner. */
    @Override
    public void close() {
        for (Tensor[] s : state.values()) {
            for (Tensor t : s) {
                t.close();
            }
        }
        state.clear();
    }
}
