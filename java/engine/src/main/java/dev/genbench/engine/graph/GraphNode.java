package dev.genbench.engine.graph;

import java.util.List;
import java.util.Map;

/**
 * One node of an imported graph: its ONNX op type, name, input and output value names (an empty
 * input name is an omitted optional input, as in ONNX), and attributes. Immutable.
 */
public record GraphNode(String name, String opType, List<String> inputs, List<String> outputs, Map<String, NodeAttr> attrs) {

    public GraphNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attrs = Map.copyOf(attrs);
    }

    public boolean hasInput(int i) {
        return i < inputs.size() && !inputs.get(i).isEmpty();
    }

    public long intAttr(String key, long fallback) {
        return attrs.get(key) instanceof NodeAttr.Int i ? i.value() : fallback;
    }

    public double floatAttr(String key, double fallback) {
        return attrs.get(key) instanceof NodeAttr.Float f ? f.value() : fallback;
    }

    public long[] intsAttr(String key) {
        return attrs.get(key) instanceof NodeAttr.Ints i ? i.values() : null;
    }

    public String textAttr(String key, String fallback) {
        return attrs.get(key) instanceof NodeAttr.Text t ? t.value() : fallback;
    }

    /** "'name' (OpType)" for messages; falls back to the first output when the node has no name. */
    public String describe() {
        String n = name.isEmpty() ? (outputs.isEmpty() ? "?" : "producing " + outputs.get(0)) : name;
        return "node '" + n + "' (" + opType + ")";
    }
}
