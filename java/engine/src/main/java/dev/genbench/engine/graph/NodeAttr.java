package dev.genbench.engine.graph;

import java.util.Arrays;

/** An attribute of a graph node, one record per ONNX attribute kind we read. */
public sealed interface NodeAttr {
    record Int(long value) implements NodeAttr {}

    record Float(double value) implements NodeAttr {}

    record Ints(long[] values) implements NodeAttr {
        public Ints {
            values = values.clone();
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    record Floats(double[] values) implements NodeAttr {
        public Floats {
            values = values.clone();
        }
    }

    record Text(String value) implements NodeAttr {}

    record Const(HostValue value) implements NodeAttr {}
}
