package dev.genbench.engine.onnx;

import com.google.protobuf.ByteString;
import dev.genbench.engine.Backend;
import dev.genbench.engine.Bf16;
import dev.genbench.engine.DType;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.graph.GraphNode;
import dev.genbench.engine.graph.HostValue;
import dev.genbench.engine.graph.NodeAttr;
import dev.genbench.engine.graph.TrainableGraph;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;

/**
 * Reads an ONNX model (protobuf classes generated from the official onnx.proto at build time) into
 * a {@link TrainableGraph}: float initializers of rank >= 1 become named parameters in FP32 on the
 * given backend (batch-norm running statistics become buffers), integer and scalar initializers
 * become host constants, and every node keeps its op type, name and attributes. Initializers stored
 * as external data (models over 2 GB) are read from the files beside the model.
 *
 * <p>Stateless; each call returns a graph the caller owns and closes.
 */
public final class OnnxImporter {
    private OnnxImporter() {}

    public static TrainableGraph load(Path model, Backend backend) throws IOException {
        Onnx.ModelProto proto;
        try (InputStream in = Files.newInputStream(model)) {
            proto = Onnx.ModelProto.parseFrom(com.google.protobuf.CodedInputStream.newInstance(in));
        }
        return fromProto(proto, model.getFileName().toString(), model.toAbsolutePath().getParent(), backend);
    }

    /** Builds a graph from a parsed model; {@code baseDir} resolves external data (may be null). */
    public static TrainableGraph fromProto(Onnx.ModelProto proto, String modelName, Path baseDir, Backend backend) throws IOException {
        Onnx.GraphProto g = proto.getGraph();
        int opset = 1;
        for (Onnx.OperatorSetIdProto o : proto.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = (int) o.getVersion();
            }
        }
        Set<String> bufferNames = new HashSet<>();
        for (Onnx.NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("BatchNormalization") && n.getInputCount() >= 5) {
                bufferNames.add(n.getInput(3));
                bufferNames.add(n.getInput(4));
            }
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, Tensor> buffers = new LinkedHashMap<>();
        Map<String, HostValue> constants = new HashMap<>();
        Set<String> initNames = new HashSet<>();
        try {
            for (Onnx.TensorProto t : g.getInitializerList()) {
                initNames.add(t.getName());
                HostValue v = hostValue(t, modelName, baseDir);
                if (v.isInt() || v.shape().rank() == 0) {
                    constants.put(t.getName(), v);
                    continue;
                }
                Tensor tensor = Tensor.unscoped(backend, DType.FP32, v.shape(), t.getName());
                tensor.copyFrom(v.doubles());
                if (bufferNames.contains(t.getName())) {
                    buffers.put(t.getName(), tensor);
                } else {
                    params.put(t.getName(), tensor.requiresGrad(true));
                }
            }
            List<GraphNode> nodes = new ArrayList<>();
            for (Onnx.NodeProto n : g.getNodeList()) {
                if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                    throw new UnsupportedOperationException("model '" + modelName + "': node '" + n.getName() + "' (" + n.getDomain() + "::" + n.getOpType()
                            + ") is from a custom domain the engine does not run");
                }
                Map<String, NodeAttr> attrs = new HashMap<>();
                for (Onnx.AttributeProto a : n.getAttributeList()) {
                    NodeAttr v = attr(a, modelName, baseDir);
                    if (v != null) {
                        attrs.put(a.getName(), v);
                    }
                }
                nodes.add(new GraphNode(n.getName(), n.getOpType(), n.getInputList(), n.getOutputList(), attrs));
            }
            List<String> inputs = new ArrayList<>();
            for (Onnx.ValueInfoProto v : g.getInputList()) {
                if (!initNames.contains(v.getName())) {
                    inputs.add(v.getName());
                }
            }
            List<String> outputs = g.getOutputList().stream().map(Onnx.ValueInfoProto::getName).toList();
            return new TrainableGraph(modelName, backend, opset, nodes, inputs, outputs, params, buffers, constants);
        } catch (RuntimeException | IOException e) {
            params.values().forEach(Tensor::close);
            buffers.values().forEach(Tensor::close);
            throw e;
        }
    }

    private static NodeAttr attr(Onnx.AttributeProto a, String model, Path baseDir) throws IOException {
        return switch (a.getType()) {
            case INT -> new NodeAttr.Int(a.getI());
            case FLOAT -> new NodeAttr.Float(a.getF());
            case INTS -> new NodeAttr.Ints(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            case FLOATS -> new NodeAttr.Floats(a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
            case STRING -> new NodeAttr.Text(a.getS().toStringUtf8());
            case TENSOR -> new NodeAttr.Const(hostValue(a.getT(), model, baseDir));
            // Graph-valued and other attributes belong to ops we do not run; the op check names them.
            default -> null;
        };
    }

    /** An initializer's values, from raw_data, the typed fields, or external data. */
    static HostValue hostValue(Onnx.TensorProto t, String model, Path baseDir) throws IOException {
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        Shape shape = Shape.of(dims);
        int n = Math.toIntExact(shape.elementCount());
        int type = t.getDataType();
        ByteString raw = t.getRawData();
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
            raw = external(t, model, baseDir);
        }
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        boolean hasRaw = !raw.isEmpty();
        switch (type) {
            case 1 -> { // FLOAT
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = hasRaw ? b.getFloat(i * 4) : t.getFloatData(i);
                }
                return HostValue.ofDoubles(DType.FP32, shape, v);
            }
            case 11 -> { // DOUBLE
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = hasRaw ? b.getDouble(i * 8) : t.getDoubleData(i);
                }
                return HostValue.ofDoubles(DType.FP64, shape, v);
            }
            case 10, 16 -> { // FLOAT16, BFLOAT16: raw, or the bits in int32_data
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    short bits = hasRaw ? b.getShort(i * 2) : (short) t.getInt32Data(i);
                    v[i] = type == 10 ? Float.float16ToFloat(bits) : Bf16.toFloat(bits);
                }
                return HostValue.ofDoubles(DType.FP32, shape, v);
            }
            case 7 -> { // INT64
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = hasRaw ? b.getLong(i * 8) : t.getInt64Data(i);
                }
                return HostValue.ofLongs(shape, v);
            }
            case 6, 9, 2, 3, 4, 5 -> { // INT32, BOOL, UINT8, INT8, UINT16, INT16 as integers
                int size = switch (type) {
                    case 6 -> 4;
                    case 4, 5 -> 2;
                    default -> 1;
                };
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    if (!hasRaw) {
                        v[i] = t.getInt32Data(i);
                    } else {
                        v[i] = switch (size) {
                            case 4 -> b.getInt(i * 4);
                            case 2 -> type == 4 ? Short.toUnsignedInt(b.getShort(i * 2)) : b.getShort(i * 2);
                            default -> type == 2 || type == 9 ? Byte.toUnsignedInt(b.get(i)) : b.get(i);
                        };
                    }
                }
                return HostValue.ofLongs(shape, v);
            }
            default -> throw new UnsupportedOperationException("model '" + model + "': tensor '" + t.getName() + "' has ONNX data type " + type
                    + ", which the engine does not read");
        }
    }

    private static ByteString external(Onnx.TensorProto t, String model, Path baseDir) throws IOException {
        String location = null;
        long offset = 0;
        long length = -1;
        for (Onnx.StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = Long.parseLong(e.getValue());
                case "length" -> length = Long.parseLong(e.getValue());
                default -> { }
            }
        }
        if (location == null || baseDir == null) {
            throw new IOException("model '" + model + "': tensor '" + t.getName() + "' has external data without a location the engine can resolve");
        }
        Path file = baseDir.resolve(location).normalize();
        if (!file.startsWith(baseDir)) {
            throw new IOException("model '" + model + "': external data of '" + t.getName() + "' points outside the model's folder: " + location);
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = length >= 0 ? length : f.length() - offset;
            byte[] data = new byte[Math.toIntExact(len)];
            f.seek(offset);
            f.readFully(data);
            return ByteString.copyFrom(data);
        }
    }
}
