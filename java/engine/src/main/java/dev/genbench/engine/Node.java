package dev.genbench.engine;

/**
 * One recorded op application: the op, its attributes, inputs and outputs. The autodiff walks
 * these from the loss back to the leaves. Holding a node keeps its tensors' Java objects reachable,
 * not their memory alive: scopes decide when memory goes.
 */
final class Node {
    final Op op;
    final Attrs attrs;
    final Tensor[] inputs;
    final Tensor[] outputs;

    Node(Op op, Attrs attrs, Tensor[] inputs, Tensor[] outputs) {
        this.op = op;
        this.attrs = attrs;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    Tensor in(int i) {
        return inputs[i];
    }

    Tensor out(int i) {
        return outputs[i];
    }
}
