package dev.genbench.engine;

import java.util.List;

/**
 * One kernel launch: an op of the closed set, its attributes, and dense operands. Outputs are
 * allocated by the caller with the shapes {@link Ops} inferred; a backend only fills them.
 */
public record Launch(Op op, Attrs attrs, List<TensorView> inputs, List<TensorView> outputs) {
    public Launch {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public TensorView in(int i) {
        return inputs.get(i);
    }

    public TensorView out(int i) {
        return outputs.get(i);
    }
}
