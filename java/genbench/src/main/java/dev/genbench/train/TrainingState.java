package dev.genbench.train;

import dev.genbench.engine.Tensor;
import dev.genbench.engine.optim.Accumulation;
import dev.genbench.engine.optim.Optimizer;
import dev.genbench.io.NpyArray;
import dev.genbench.io.StateFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a full training state, as every trainer of ours writes them into a {@link StateFile}: the
 * model's tensors under their own names (as a torch {@code state_dict}); the optimizer's buffers under
 * {@code optimizer.}, its step counts and class in the metadata; the LR scheduler's step; the gradients of
 * a half-done accumulation under {@code grad.}; the loop's position and whatever the epoch has gathered
 * under {@code loop.}; how the RNG is derived. Probe heads and tuned models ({@link TrainingSteps}) write it the
 * same way; only the model tensors differ. Read it back with the static accessors.
 *
 * <p>A builder: not thread-safe, use once.
 */
public final class TrainingState {
    public static final String FORMAT = "genbench-state/1";
    public static final String OPTIMIZER = "optimizer.";
    public static final String GRAD = "grad.";
    public static final String LOOP = "loop.";

    private final Map<String, NpyArray> tensors = new LinkedHashMap<>();
    private final Map<String, Object> metadata = new LinkedHashMap<>();

    /** @param base metadata saying what made the state (model name, window, config hash, ...) */
    public TrainingState(Map<String, Object> base) {
        metadata.put("format", FORMAT);
        metadata.putAll(base);
    }

    /** The model's tensors by name; a name ending in {@code .weight} is stored [1, n] as a torch Linear's. */
    public TrainingState model(Map<String, float[]> parameters) {
        parameters.forEach((name, values) -> tensors.put(name, new NpyArray.Float32(values,
                name.endsWith(".weight") ? new int[] {1, values.length} : new int[] {values.length})));
        return this;
    }

    /** The model's tensors by name with their shapes (a tuned model: every parameter and batch-norm buffer). */
    public TrainingState model(Map<String, float[]> tensors, Map<String, int[]> shapes) {
        tensors.forEach((name, values) -> this.tensors.put(name, new NpyArray.Float32(values,
                shapes.getOrDefault(name, new int[] {values.length}))));
        return this;
    }

    public TrainingState optimizer(String classPath, Optimizer optimizer) {
        Optimizer.State state = optimizer.saveState();
        state.buffers().forEach((name, values) -> tensors.put(OPTIMIZER + name, new NpyArray.Float32(values, new int[] {values.length})));
        metadata.put("optimizer", Map.of("class_path", classPath, "counters", state.counters()));
        return this;
    }

    public TrainingState scheduler(String name, int step) {
        metadata.put("scheduler", Map.of("name", name, "step", step));
        return this;
    }

    /** The gradients summed so far when the state is taken between two optimizer steps of an accumulation. */
    public TrainingState pendingGradients(List<Tensor> parameters, Accumulation accumulation, long nextBatch) {
        boolean pending = false;
        for (Tensor p : parameters) {
            if (p.grad() != null) {
                float[] g = p.grad().toFloats();
                tensors.put(GRAD + p.name(), new NpyArray.Float32(g, new int[] {g.length}));
                pending = true;
            }
        }
        metadata.put("accumulation", Map.of("accumulate_grad_batches", accumulation.batches(),
                "pending_micro_batches", pending ? nextBatch % accumulation.batches() : 0));
        return this;
    }

    public TrainingState loop(Map<String, Object> position, Map<String, NpyArray> gathered) {
        metadata.put("loop", new LinkedHashMap<>(position));
        gathered.forEach((name, array) -> tensors.put(LOOP + name, array));
        if (position.get("epoch") != null) {
            metadata.put("epoch", position.get("epoch"));
        }
        if (position.get("global_step") != null) {
            metadata.put("global_step", position.get("global_step"));
        }
        return this;
    }

    public TrainingState rng(Map<String, Object> description) {
        metadata.put("rng", new LinkedHashMap<>(description));
        return this;
    }

    /** @param trainingComplete true for the state a window ends with: nothing left to train, only to evaluate */
    public StateFile build(boolean trainingComplete) {
        metadata.put("training_complete", trainingComplete);
        return new StateFile(tensors, metadata);
    }

    // ---------------------------------------------------------------- reading

    /** The model's tensors: every float32 tensor outside the optimizer, gradient and loop namespaces. */
    public static Map<String, float[]> model(StateFile state) {
        Map<String, float[]> out = new LinkedHashMap<>();
        state.tensors().forEach((name, array) -> {
            if (array instanceof NpyArray.Float32 f && !name.startsWith(OPTIMIZER) && !name.startsWith(GRAD) && !name.startsWith(LOOP)) {
                out.put(name, f.data());
            }
        });
        return out;
    }

    public static boolean trainingComplete(StateFile state) {
        // States written before mid-window checkpoints existed were only ever written at a window's end.
        return !(state.metadata().get("training_complete") instanceof Boolean b) || b;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> loop(StateFile state) {
        return (Map<String, Object>) state.metadata().get("loop");
    }

    @SuppressWarnings("unchecked")
    public static int schedulerStep(StateFile state) {
        return ((Number) ((Map<String, Object>) state.metadata().get("scheduler")).get("step")).intValue();
    }

    @SuppressWarnings("unchecked")
    public static void restoreOptimizer(StateFile state, Optimizer optimizer) {
        Map<String, float[]> buffers = new LinkedHashMap<>();
        state.tensors().forEach((name, array) -> {
            if (name.startsWith(OPTIMIZER) && array instanceof NpyArray.Float32 f) {
                buffers.put(name.substring(OPTIMIZER.length()), f.data());
            }
        });
        Map<String, Long> counters = new LinkedHashMap<>();
        var meta = (Map<String, Object>) state.metadata().get("optimizer");
        ((Map<String, Object>) meta.get("counters")).forEach((k, v) -> counters.put(k, ((Number) v).longValue()));
        optimizer.loadState(new Optimizer.State(buffers, counters));
    }

    public static void restorePendingGradients(StateFile state, List<Tensor> parameters) {
        for (Tensor p : parameters) {
            p.zeroGrad();
            if (state.has(GRAD + p.name())) {
                p.restoreGrad(state.floats(GRAD + p.name()));
            }
        }
    }

    public static boolean[] booleans(StateFile state, String name) {
        if (!(state.tensors().get(name) instanceof NpyArray.Bool b)) {
            throw new IllegalArgumentException("the state has no boolean tensor '" + name + "'");
        }
        return b.data();
    }
}
