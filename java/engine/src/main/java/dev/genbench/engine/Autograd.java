package dev.genbench.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation over the recorded {@link Node}s: sort the graph under the
 * loss topologically, seed d(loss)/d(loss) = 1, apply each node's rule from {@link BackwardRules}
 * in reverse order, and accumulate ({@code +=}) into the gradient of every leaf that requires one,
 * so a value used twice gets both contributions and repeated backward calls accumulate across
 * micro-batches (gradient accumulation).
 *
 * <p>Intermediate gradients live in a scope private to the call and are closed as soon as the
 * nodes that need them are done; only the leaves' {@link Tensor#grad()} survive (owned by the
 * leaves). Runs on the calling thread.
 */
public final class Autograd {
    private Autograd() {}

    /** Backward from a one-element loss. */
    public static void backward(Tensor loss) {
        if (loss.elementCount() != 1) {
            throw new IllegalArgumentException("backward from '" + loss.name() + "' " + loss.shape() + " needs a one-element loss or an explicit output gradient");
        }
        try (TensorScope _ = TensorScope.open()) {
            Tensor seed = Tensor.zeros(loss.backend(), loss.dtype(), loss.shape(), loss.name() + ".grad");
            seed.fill(1);
            run(loss, seed, null);
        }
    }

    /**
     * Backward from a one-element loss that also frees every intermediate activation of the graph
     * as soon as the last backward rule that reads it has run, as a training step wants: peak
     * memory then falls while backward proceeds instead of staying at the forward's peak until the
     * step's scope closes. Leaves (parameters, inputs, buffers), the loss and the tensors in
     * {@code keep} (logits wanted for metrics, say) are left open; every other tensor computed on
     * the way to the loss is closed, so it must not be used afterwards.
     */
    public static void backwardAndFree(Tensor loss, Tensor... keep) {
        if (loss.elementCount() != 1) {
            throw new IllegalArgumentException("backward from '" + loss.name() + "' " + loss.shape() + " needs a one-element loss");
        }
        Set<Tensor> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.add(loss);
        kept.addAll(java.util.Arrays.asList(keep));
        try (TensorScope _ = TensorScope.open()) {
            Tensor seed = Tensor.zeros(loss.backend(), loss.dtype(), loss.shape(), loss.name() + ".grad");
            seed.fill(1);
            run(loss, seed, kept);
        }
    }

    /** Backward from {@code output} with the given gradient of the output (same shape). */
    public static void backward(Tensor output, Tensor outputGrad) {
        if (!output.shape().equals(outputGrad.shape())) {
            throw new IllegalArgumentException("gradient " + outputGrad.shape() + " does not match output '" + output.name() + "' " + output.shape());
        }
        try (TensorScope _ = TensorScope.open()) {
            run(output, outputGrad, null);
        }
    }

    /** {@code keep} null: free nothing of the forward graph; else free all but leaves and {@code keep}. */
    private static void run(Tensor root, Tensor seed, Set<Tensor> keep) {
        if (!root.requiresGrad()) {
            throw new IllegalArgumentException("'" + root.name() + "' does not require a gradient: nothing it depends on was marked requiresGrad, or it was computed with GradMode off");
        }
        if (root.isLeaf()) {
            root.accumulateGrad(seed);
            return;
        }
        List<Node> order = topologicalOrder(root.creator());
        // Remaining readers of each freeable activation: the node that made it and every node
        // that consumes it; when the count reaches zero no backward rule can read it any more.
        Map<Tensor, Integer> readers = new IdentityHashMap<>();
        if (keep != null) {
            for (Node n : order) {
                for (Tensor t : n.inputs) {
                    if (!t.isLeaf() && !keep.contains(t)) {
                        readers.merge(t, 1, Integer::sum);
                    }
                }
                for (Tensor t : n.outputs) {
                    if (!keep.contains(t)) {
                        readers.merge(t, 1, Integer::sum);
                    }
                }
            }
        }
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        try (GradMode _ = GradMode.off()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Node node = order.get(i);
                Tensor[] gOut = new Tensor[node.outputs.length];
                boolean any = false;
                for (int o = 0; o < gOut.length; o++) {
                    gOut[o] = grads.remove(node.outputs[o]);
                    any |= gOut[o] != null;
                }
                if (!any) {
                    release(node, readers);
                    continue;
                }
                Tensor[] gIn = BackwardRules.apply(node, gOut);
                Set<Tensor> kept = Collections.newSetFromMap(new IdentityHashMap<>());
                for (int k = 0; k < node.inputs.length; k++) {
                    Tensor input = node.inputs[k];
                    Tensor g = k < gIn.length ? gIn[k] : null;
                    if (g == null || !input.requiresGrad()) {
                        continue;
                    }
                    // A gradient always has its tensor's layout (a rule may produce another, e.g. a
                    // convolution's data gradient follows the output's layout).
                    g = Ops.toLayout(g, input.layout());
                    if (input.isLeaf()) {
                        input.accumulateGrad(g, ownedHere(g, k, gIn, gOut, node, grads, seed));
                    } else {
                        Tensor prev = grads.get(input);
                        if (prev == null) {
                            grads.put(input, g);
                            kept.add(g);
                        } else {
                            grads.put(input, Ops.add(prev, g));
                            kept.add(grads.get(input));
                        }
                    }
                }
                // Free this node's output gradients now unless one of them was passed through
                // unchanged (a rule may return its input gradient itself, e.g. add's).
                for (Tensor g : gOut) {
                    if (g != null && g != seed && !kept.contains(g) && !grads.containsValue(g)) {
                        g.close();
                    }
                }
                release(node, readers);
            }
        }
    }

    /**
     * Whether {@code g}, the gradient for input {@code k} (after any layout change), is referenced
     * nowhere else, so a leaf may take its memory: not the seed, not an output gradient passed
     * through, not another input's gradient of this node, not pending for another tensor, and not
     * one of the node's own tensors.
     */
    private static boolean ownedHere(Tensor g, int k, Tensor[] gIn, Tensor[] gOut, Node node, Map<Tensor, Tensor> grads, Tensor seed) {
        if (g == seed || grads.containsValue(g)) {
            return false;
        }
        for (Tensor[] ts : new Tensor[][] {gOut, node.inputs, node.outputs}) {
            for (Tensor t : ts) {
                if (t == g) {
                    return false;
                }
            }
        }
        for (int j = 0; j < gIn.length; j++) {
            if (j != k && gIn[j] == g) {
                return false;
            }
        }
        return true;
    }

    private static void release(Node node, Map<Tensor, Integer> readers) {
        if (readers.isEmpty()) {
            return;
        }
        for (Tensor[] ts : new Tensor[][] {node.inputs, node.outputs}) {
            for (Tensor t : ts) {
                Integer left = readers.computeIfPresent(t, (k, v) -> v - 1);
                if (left != null && left == 0) {
                    readers.remove(t);
                    t.close();
                }
            }
        }
    }

    /** Nodes reachable from {@code root}, each after every node that produced its inputs. */
    static List<Node> topologicalOrder(Node root) {
        List<Node> order = new ArrayList<>();
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        // Iterative post-order DFS: deep graphs (ViT-L) would overflow a recursive one.
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Node n = (Node) frame[0];
            int next = (Integer) frame[1];
            if (next < n.inputs.length) {
                frame[1] = next + 1;
                Node c = n.inputs[next].creator();
                if (c != null && visited.add(c)) {
                    stack.push(new Object[] {c, 0});
                }
            } else {
                stack.pop();
                order.add(n);
            }
        }
        return order;
    }
}
