package dev.genbench.engine.onnx;

import com.google.protobuf.ByteString;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.graph.TrainableGraph;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import onnx.Onnx;

/**
 * Writes trained weights back into an ONNX model: the source model is copied with every
 * initializer that names a parameter or buffer of the graph replaced by the current values (FP32,
 * raw little-endian data), so the tuned model is evaluated, cached or deployed like any other.
 * The file is written under a temporary name and moved into place, never half-written.
 * Stateless.
 */
public final class OnnxExporter {
    private OnnxExporter() {}

    public static void exportWeights(TrainableGraph graph, Path sourceModel, Path target) throws IOException {
        Onnx.ModelProto proto;
        try (InputStream in = Files.newInputStream(sourceModel)) {
            proto = Onnx.ModelProto.parseFrom(com.google.protobuf.CodedInputStream.newInstance(in));
        }
        exportWeights(graph, proto, sourceModel.getFileName().toString(), target);
    }

    /**
     * As {@link #exportWeights(TrainableGraph, Path, Path)} from a model held in memory (one the caller
     * built before importing it, e.g. a backbone with a head added); {@code sourceName} names it in errors.
     */
    public static void exportWeights(TrainableGraph graph, Onnx.ModelProto proto, String sourceName, Path target) throws IOException {
        Onnx.ModelProto.Builder model = proto.toBuilder();
        Onnx.GraphProto.Builder g = model.getGraphBuilder();
        int replaced = 0;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            Onnx.TensorProto t = g.getInitializer(i);
            Tensor value = find(graph, t.getName());
            if (value == null) {
                continue;
            }
            float[] v = value.toFloats();
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            Onnx.TensorProto.Builder nt = t.toBuilder()
                    .clearFloatData().clearDoubleData().clearInt32Data().clearExternalData()
                    .clearDataLocation()
                    .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                    .setRawData(ByteString.copyFrom(b.array()));
            g.setInitializer(i, nt.build());
            replaced++;
        }
        int expected = graph.parameters().size() + graph.buffers().size();
        if (replaced != expected) {
            throw new IOException("exporting '" + graph.modelName() + "': " + replaced + " of " + expected
                    + " parameters and buffers matched initializers of " + sourceName + "; is it the model the graph was imported from?");
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            model.build().writeTo(out);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Tensor find(TrainableGraph graph, String name) {
        Map<String, Tensor> p = graph.parameters();
        return p.containsKey(name) ? p.get(name) : graph.buffers().get(name);
    }
}
