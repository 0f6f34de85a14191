package dev.genbench.engine.optim;

import dev.genbench.engine.DType;
import dev.genbench.engine.Tensor;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
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

    /**
     * The optimizer's state, as torch's {@code state_dict()['state']} holds it, for a checkpoint.
     *
     * @param buffers each parameter's buffers by name ({@code <parameter>.<buffer>}, e.g.
     *     {@code head.weight.momentum_buffer}), host copies of FP32 values
     * @param counters per-parameter step counts ({@code <parameter>.step}); empty for SGD
     */
    public record State(Map<String, float[]> buffers, Map<String, Long> counters) {
        public State {
            buffers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
            counters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counters));
        }
    }

    /** The names of a parameter's buffers, in the order {@link #state} keeps them. */
    abstract List<String> bufferNames();

    /** A host copy of the state; parameters that have not been stepped yet have none. */
    public State saveState() {
        Map<String, float[]> buffers = new LinkedHashMap<>();
        Map<String, Long> counters = new LinkedHashMap<>();
        for (ParamGroup g : groups) {
            for (Tensor p : g.params()) {
                Tensor[] s = state.get(p);
                if (s == null) {
                    continue;
                }
                List<String> names = bufferNames();
                for (int i = 0; i < s.length; i++) {
                    buffers.put(p.name() + "." + names.get(i), hostCopy(s[i]));
                }
                Long count = stepCount(p);
                if (count != null) {
                    counters.put(p.name() + ".step", count);
                }
            }
        }
        return new State(buffers, counters);
    }

    /**
     * Replaces the state with a saved one, so that the next {@link #step()} does exactly what the saved
     * optimizer's next step would have done; errors name the buffer that does not fit.
     */
    public void loadState(State saved) {
        close();
        List<String> names = bufferNames();
        for (ParamGroup g : groups) {
            for (Tensor p : g.params()) {
                if (!saved.buffers().containsKey(p.name() + "." + names.get(0))) {
                    continue; // not stepped when saved
                }
                Tensor[] s = new Tensor[names.size()];
                for (int i = 0; i < s.length; i++) {
                    String key = p.name() + "." + names.get(i);
                    float[] values = saved.buffers().get(key);
                    if (values == null || values.length != p.elementCount()) {
                        throw new IllegalArgumentException("optimizer state '" + key + "' is "
                                + (values == null ? "missing" : values.length + " values") + "; the parameter has " + p.elementCount());
                    }
                    s[i] = Tensor.unscoped(p.backend(), p.dtype(), p.shape(), key);
                    s[i].copyFrom(values);
                }
                state.put(p, s);
                Long count = saved.counters().get(p.name() + ".step");
                restoreStepCount(p, count);
            }
        }
    }

    /** The parameter's step count, for optimizers that keep one (Adam); null otherwise. */
    Long stepCount(Tensor param) {
        return null;
    }

    void restoreStepCount(Tensor param, Long count) {
        // optimizers without step counts have nothing to restore
    }

    private static float[] hostCopy(Tensor t) {
        if (t.dtype() != DType.FP32) {
            throw new IllegalStateException("optimizer state '" + t.name() + "' is " + t.dtype() + "; checkpoints hold FP32 state");
        }
        return t.toFloats();
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
