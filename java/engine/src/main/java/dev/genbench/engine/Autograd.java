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
        try (TensorScope scope = TensorScope.open()) {
            Tensor seed = Tensor.zeros(loss.backend(), loss.dtype(), loss.shape(), loss.name() + ".grad");
            seed.fill(1);
            run(loss, seed);
        }
    }

    /** Backward from {@code output} with the given gradient of the output (same shape). */
    public static void backward(Tensor output, Tensor outputGrad) {
        if (!output.shape().equals(outputGrad.shape())) {
            throw new IllegalArgumentException("gradient " + outputGrad.shape() + " does not match output '" + output.name() + "' " + output.shape());
        }
        try (TensorScope scope = TensorScope.open()) {
            run(output, outputGrad);
        }
    }

    private static void run(Tensor root, Tensor seed) {
        if (!root.requiresGrad()) {
            throw new IllegalArgumentException("'" + root.name() + "' does not require a gradient: nothing it depends on was marked requiresGrad, or it was computed with GradMode off");
        }
        if (root.isLeaf()) {
            root.accumulateGrad(seed);
            return;
        }
        List<Node> order = topologicalOrder(root.creator());
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        try (GradMode off = GradMode.off()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Node node = order.get(i);
                Tensor[] gOut = new Tensor[node.outputs.length];
                boolean any = false;
                for (int o = 0; o < gOut.length; o++) {
                    gOut[o] = grads.remove(node.outputs[o]);
                    any |= gOut[o] != null;
                }
                if (!any) {
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
                    if (input.isLeaf()) {
                        input.accumulateGrad(g);
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
