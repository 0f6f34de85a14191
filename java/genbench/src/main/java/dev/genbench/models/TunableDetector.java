package dev.genbench.models;

import com.google.protobuf.ByteString;
import dev.genbench.console.UserError;
import dev.genbench.engine.Backend;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.graph.TrainableGraph;
import dev.genbench.engine.onnx.OnnxExporter;
import dev.genbench.engine.onnx.OnnxImporter;
import dev.genbench.image.TensorLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;

/**
 * A {@code _tune} detector: the card's ONNX backbone cut down to the nodes its feature outputs need, the
 * card's readout (flatten or spatial pooling, concatenated) and a linear head to one logit, built as one
 * ONNX graph and imported into the engine as a trainable graph. Backbone and head train together; batch
 * norm follows the graph's mode.
 *
 * <p>Because the head is part of the graph, {@link #export} writes one ONNX file, pixels in, logit out,
 * that any ONNX runtime evaluates; its spatial input dimensions are symbolic, so it runs at the size it
 * was tuned at. Probe-style feature standardisation (card option {@code standardize_features}) is fixed
 * arithmetic on the features: Constant nodes, exported with the graph and kept in checkpoints under
 * {@link LinearHead#FEATURE_MEAN} and {@link LinearHead#FEATURE_SCALE}, never trained.
 *
 * <p>Owns its graph; close it. Not thread-safe.
 */
public final class TunableDetector implements AutoCloseable {
    /** The graph output with the raw (unstandardised) feature vector [N, D]. */
    public static final String FEATURES = "genbench_features";
    /** The graph output with the logit [N, 1]. */
    public static final String LOGIT = "genbench_logit";

    private final ModelCard card;
    private final Onnx.ModelProto proto;
    private final TrainableGraph graph;
    private final float[][] standardization;

    private TunableDetector(ModelCard card, Onnx.ModelProto proto, TrainableGraph graph, float[][] standardization) {
        this.card = card;
        this.proto = proto;
        this.graph = graph;
        this.standardization = standardization;
    }

    /**
     * Builds the detector from the card's pretrained backbone and a fresh head with torch's
     * {@code Linear} initialisation drawn from {@code seed}.
     *
     * @param standardization {mean, scale} of each feature, or null for none
     */
    public static TunableDetector create(ModelCatalogue.Resolved model, Backend backend, float[][] standardization, long seed) {
        ModelCard card = model.card();
        if (card.l2Normalize()) {
            throw new UserError("model card '" + card.name() + "' L2-normalises its features, which _tune models do not support"
                    + " yet; use " + card.name() + "_probe");
        }
        int width = card.featureWidth();
        float[] weight;
        float bias;
        try (LinearHead head = LinearHead.initialize(backend, width, seed)) {
            Map<String, float[]> state = head.state();
            weight = state.get(LinearHead.WEIGHT);
            bias = state.get(LinearHead.BIAS)[0];
        }
        Onnx.ModelProto source = readSource(model);
        Onnx.ModelProto proto = detectorProto(card, source, weight, bias, standardization);
        try {
            TrainableGraph graph = OnnxImporter.fromProto(proto, model.onnxFile().getFileName().toString(), model.cardFolder(), backend);
            return new TunableDetector(card, proto, graph, standardization == null ? null
                    : new float[][] {standardization[0].clone(), standardization[1].clone()});
        } catch (IOException e) {
            throw new UserError("cannot import the ONNX file '" + model.onnxFile() + "' of model card '" + card.name() + "' ("
                    + e.getMessage() + ")", e);
        } catch (UnsupportedOperationException e) {
            throw new UserError(e.getMessage() + "; _tune needs every op of the backbone on the engine, use " + card.name()
                    + "_probe meanwhile", e);
        }
    }

    /** The standardisation kept in a {@link #state()} map, or null when it holds none. */
    public static float[][] standardizationOf(Map<String, float[]> state) {
        float[] mean = state.get(LinearHead.FEATURE_MEAN);
        float[] scale = state.get(LinearHead.FEATURE_SCALE);
        return mean == null || scale == null ? null : new float[][] {mean, scale};
    }

    public ModelCard card() {
        return card;
    }

    public TrainableGraph graph() {
        return graph;
    }

    /** The graph's image input name (the card's {@code input.name}). */
    public String inputName() {
        return card.input().name();
    }

    /** Trainable tensors (backbone then head), for the optimizer. */
    public List<Tensor> parameters() {
        return List.copyOf(graph.parameters().values());
    }

    /**
     * Everything that defines the model, by name, as host arrays: parameters, batch-norm running
     * statistics and the fixed standardisation. What checkpoints hold and {@link #load} reads.
     */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        graph.parameters().forEach((name, t) -> out.put(name, t.toFloats()));
        graph.buffers().forEach((name, t) -> out.put(name, t.toFloats()));
        if (standardization != null) {
            out.put(LinearHead.FEATURE_MEAN, standardization[0].clone());
            out.put(LinearHead.FEATURE_SCALE, standardization[1].clone());
        }
        return out;
    }

    /** Shape of each tensor of {@link #state()}, for checkpoints that NumPy reads with their shapes. */
    public Map<String, int[]> stateShapes() {
        Map<String, int[]> out = new LinkedHashMap<>();
        graph.parameters().forEach((name, t) -> out.put(name, t.shape().dims()));
        graph.buffers().forEach((name, t) -> out.put(name, t.shape().dims()));
        if (standardization != null) {
            out.put(LinearHead.FEATURE_MEAN, new int[] {standardization[0].length});
            out.put(LinearHead.FEATURE_SCALE, new int[] {standardization[1].length});
        }
        return out;
    }

    /**
     * Copies a {@link #state()} (e.g. a checkpoint's) into the graph, strictly: every parameter and
     * buffer must be there with its size, as torch's strict {@code load_state_dict}.
     */
    public void load(Map<String, float[]> state, String source) {
        List<String> missing = new ArrayList<>();
        Map<String, Tensor> all = new LinkedHashMap<>(graph.parameters());
        all.putAll(graph.buffers());
        for (var e : all.entrySet()) {
            float[] values = state.get(e.getKey());
            if (values == null) {
                missing.add(e.getKey());
            } else if (values.length != e.getValue().elementCount()) {
                throw new UserError("checkpoint '" + source + "' holds " + values.length + " values for '" + e.getKey() + "' but model '"
                        + card.name() + "' has " + e.getValue().shape() + "; it was trained with another model card or input");
            }
        }
        if (!missing.isEmpty()) {
            throw new UserError("checkpoint '" + source + "' lacks " + missing.size() + " tensors of the _tune model '" + card.name()
                    + "' (first: '" + missing.get(0) + "'); it is not a _tune checkpoint of this card");
        }
        all.forEach((name, t) -> t.copyFrom(state.get(name)));
    }

    /** Writes the detector with its current weights as one ONNX file (pixels in, {@link #LOGIT} out). */
    public void export(Path target) throws IOException {
        OnnxExporter.exportWeights(graph, proto, card.name() + " _tune detector", target);
    }

    @Override
    public void close() {
        graph.close();
    }

    /**
     * The card's backbone graph with a tuned checkpoint's weights in place of its initializers (by name, sizes
     * checked) and its nodes in inference form: what {@code genbench export} puts under its readout and head,
     * without the engine. Fails when the state matches none of the backbone's initializers.
     */
    public static Onnx.ModelProto fineTunedBackbone(ModelCatalogue.Resolved model, Map<String, float[]> state, String source) {
        Onnx.ModelProto proto = readSource(model);
        Onnx.GraphProto.Builder g = proto.toBuilder().getGraphBuilder();
        int replaced = 0;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            Onnx.TensorProto t = g.getInitializer(i);
            float[] values = state.get(t.getName());
            if (values == null) {
                continue;
            }
            long count = t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
            if (values.length != count) {
                throw new UserError("checkpoint '" + source + "' holds " + values.length + " values for '" + t.getName() + "', which has "
                        + count + " in " + model.card().onnx() + "; it was trained with another model card");
            }
            long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
            g.setInitializer(i, floats(t.getName(), values, dims));
            replaced++;
        }
        if (replaced == 0) {
            throw new UserError("checkpoint '" + source + "' holds none of the weights of " + model.card().onnx() + "; it is not a _tune"
                    + " checkpoint of model card '" + model.card().name() + "'");
        }
        List<Onnx.NodeProto> nodes = g.getNodeList().stream().map(TunableDetector::inferenceForm).toList();
        g.clearNode().addAllNode(nodes);
        for (int i = 0; i < g.getInputCount(); i++) {
            if (g.getInput(i).getName().equals(model.card().input().name())) {
                g.setInput(i, symbolicSpatialDims(g.getInput(i), model.card().input().layout())); // tuned at any input size
            }
        }
        return proto.toBuilder().setGraph(g).build();
    }

    // ------------------------------------------------------------------ building the graph

    private static Onnx.ModelProto readSource(ModelCatalogue.Resolved model) {
        Path file = model.onnxFile();
        if (!Files.isRegularFile(file)) {
            String how = model.card().source() != null ? "produce it with: " + model.card().source()
                    : "export it with models/onnx/export_backbone.py";
            throw new UserError("the ONNX file '" + file + "' of model card '" + model.card().name() + "' is missing; " + how);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Onnx.ModelProto.parseFrom(com.google.protobuf.CodedInputStream.newInstance(in));
        } catch (IOException e) {
            throw new UserError("cannot read the ONNX file '" + file + "' (" + e.getMessage() + ")", e);
        }
    }

    /** The card's graph, pruned to what the readout needs, with readout, standardisation and head appended. */
    static Onnx.ModelProto detectorProto(ModelCard card, Onnx.ModelProto source, float[] weight, float bias, float[][] standardization) {
        Onnx.GraphProto g = source.getGraph();
        int opset = 1;
        for (Onnx.OperatorSetIdProto o : source.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = (int) o.getVersion();
            }
        }
        Set<String> produced = new HashSet<>();
        g.getNodeList().forEach(n -> produced.addAll(n.getOutputList()));
        List<Onnx.NodeProto> added = new ArrayList<>();
        List<Onnx.TensorProto> addedInitializers = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (ModelCard.FeatureOutput f : card.features()) {
            if (!produced.contains(f.output())) {
                throw new UserError("model card '" + card.name() + "' reads output '" + f.output() + "', which no node of "
                        + card.onnx() + " produces");
            }
            parts.addAll(readout(f, opset, added, addedInitializers));
        }
        added.add(node(parts.size() == 1 ? "Identity" : "Concat", parts, FEATURES, parts.size() == 1 ? null : intAttr("axis", 1)));
        String features = FEATURES;
        if (standardization != null) {
            added.add(constant("genbench_feature_mean", standardization[0]));
            added.add(constant("genbench_feature_scale", standardization[1]));
            added.add(node("Sub", List.of(features, "genbench_feature_mean"), "genbench_centred", null));
            added.add(node("Mul", List.of("genbench_centred", "genbench_feature_scale"), "genbench_standardized", null));
            features = "genbench_standardized";
        }
        addedInitializers.add(floats(LinearHead.WEIGHT, weight, 1, weight.length));
        addedInitializers.add(floats(LinearHead.BIAS, new float[] {bias}, 1));
        added.add(node("Gemm", List.of(features, LinearHead.WEIGHT, LinearHead.BIAS), LOGIT, intAttr("transB", 1)));

        // Keep only the nodes the new outputs depend on (a readout of early blocks skips the rest of the network).
        List<Onnx.NodeProto> all = new ArrayList<>(g.getNodeList().stream().map(TunableDetector::inferenceForm).toList());
        all.addAll(added);
        Map<String, Onnx.NodeProto> producer = new LinkedHashMap<>();
        all.forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));
        Set<Onnx.NodeProto> kept = new HashSet<>();
        Set<String> needed = new HashSet<>();
        Deque<String> work = new ArrayDeque<>(List.of(LOGIT, FEATURES));
        while (!work.isEmpty()) {
            String v = work.pop();
            if (!needed.add(v)) {
                continue;
            }
            Onnx.NodeProto n = producer.get(v);
            if (n != null && kept.add(n)) {
                n.getInputList().stream().filter(s -> !s.isEmpty()).forEach(work::push);
            }
        }
        Onnx.GraphProto.Builder out = Onnx.GraphProto.newBuilder().setName(card.name() + "_tune");
        all.stream().filter(kept::contains).forEach(out::addNode);
        g.getInitializerList().stream().filter(t -> needed.contains(t.getName())).forEach(out::addInitializer);
        addedInitializers.forEach(out::addInitializer);
        boolean found = false;
        for (Onnx.ValueInfoProto in : g.getInputList()) {
            if (in.getName().equals(card.input().name())) {
                out.addInput(symbolicSpatialDims(in, card.input().layout()));
                found = true;
            }
        }
        if (!found) {
            throw new UserError("model card '" + card.name() + "' names input '" + card.input().name() + "', which "
                    + card.onnx() + " does not have");
        }
        out.addOutput(floatOutput(LOGIT, "N", "1"));
        out.addOutput(floatOutput(FEATURES, "N", String.valueOf(card.featureWidth())));
        return source.toBuilder().setGraph(out).build();
    }

    /**
     * A node as an inference graph has it: a training-mode export's batch norm (running-statistics
     * outputs, {@code training_mode}) and dropout ({@code training_mode} input, mask output) would make
     * another runtime use batch statistics and random masks. The engine ignores both (its mode decides),
     * so the exported file behaves as the engine does in eval mode.
     */
    private static Onnx.NodeProto inferenceForm(Onnx.NodeProto n) {
        if (n.getOpType().equals("BatchNormalization") && (n.getOutputCount() > 1
                || n.getAttributeList().stream().anyMatch(a -> a.getName().equals("training_mode")))) {
            Onnx.NodeProto.Builder b = n.toBuilder().clearOutput().addOutput(n.getOutput(0)).clearAttribute();
            n.getAttributeList().stream().filter(a -> !a.getName().equals("training_mode")).forEach(b::addAttribute);
            return b.build();
        }
        if (n.getOpType().equals("Dropout") && (n.getInputCount() > 2 || n.getOutputCount() > 1)) {
            Onnx.NodeProto.Builder b = n.toBuilder().clearInput().addInput(n.getInput(0)).clearOutput().addOutput(n.getOutput(0));
            if (n.getInputCount() > 1) {
                b.addInput(n.getInput(1));
            }
            return b.build();
        }
        return n;
    }

    /** The nodes that turn one graph output into its part of the feature vector; returns the parts' names. */
    private static List<String> readout(ModelCard.FeatureOutput f, int opset, List<Onnx.NodeProto> nodes, List<Onnx.TensorProto> inits) {
        String o = f.output();
        String prefix = "genbench_readout_" + o;
        if (f.pooling() == ModelCard.Pooling.NONE) {
            nodes.add(node("Flatten", List.of(o), prefix, intAttr("axis", 1)));
            return List.of(prefix);
        }
        long[] spatial = f.layout() == TensorLayout.NCHW ? new long[] {2, 3} : new long[] {1, 2};
        List<String> parts = new ArrayList<>();
        if (f.pooling() != ModelCard.Pooling.MEAN_SQUARE) {
            parts.add(reduceMean(o, prefix + "_mean", spatial, opset, nodes, inits));
        }
        if (f.pooling() != ModelCard.Pooling.MEAN) {
            nodes.add(node("Mul", List.of(o, o), prefix + "_square", null));
            parts.add(reduceMean(prefix + "_square", prefix + "_mean_square", spatial, opset, nodes, inits));
        }
        return parts;
    }

    private static String reduceMean(String in, String out, long[] axes, int opset, List<Onnx.NodeProto> nodes, List<Onnx.TensorProto> inits) {
        Onnx.AttributeProto keep = intAttr("keepdims", 0);
        if (opset >= 18) { // axes became an input in opset 18
            inits.add(Onnx.TensorProto.newBuilder().setName(out + "_axes").addDims(axes.length)
                    .setDataType(Onnx.TensorProto.DataType.INT64_VALUE).addAllInt64Data(java.util.Arrays.stream(axes).boxed().toList()).build());
            nodes.add(node("ReduceMean", List.of(in, out + "_axes"), out, keep));
        } else {
            Onnx.NodeProto n = node("ReduceMean", List.of(in), out, keep).toBuilder().addAttribute(Onnx.AttributeProto.newBuilder()
                    .setName("axes").setType(Onnx.AttributeProto.AttributeType.INTS)
                    .addAllInts(java.util.Arrays.stream(axes).boxed().toList())).build();
            nodes.add(n);
        }
        return out;
    }

    private static Onnx.NodeProto node(String op, List<String> inputs, String output, Onnx.AttributeProto attr) {
        Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output);
        if (attr != null) {
            b.addAttribute(attr);
        }
        return b.build();
    }

    private static Onnx.AttributeProto intAttr(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** A Constant node holding a [1, D] row: host data for the engine, never a parameter. */
    private static Onnx.NodeProto constant(String name, float[] values) {
        Onnx.AttributeProto value = Onnx.AttributeProto.newBuilder().setName("value").setType(Onnx.AttributeProto.AttributeType.TENSOR)
                .setT(floats(name, values, 1, values.length)).build();
        return Onnx.NodeProto.newBuilder().setOpType("Constant").setName(name).addOutput(name).addAttribute(value).build();
    }

    private static Onnx.TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /** The input with batch and spatial dimensions symbolic, channels as declared. */
    private static Onnx.ValueInfoProto symbolicSpatialDims(Onnx.ValueInfoProto in, TensorLayout layout) {
        Onnx.ValueInfoProto.Builder b = in.toBuilder();
        Onnx.TensorShapeProto.Builder shape = b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        if (shape.getDimCount() == 4) {
            int channelAxis = layout == TensorLayout.NCHW ? 1 : 3;
            String[] names = layout == TensorLayout.NCHW ? new String[] {"N", null, "H", "W"} : new String[] {"N", "H", "W", null};
            for (int d = 0; d < 4; d++) {
                if (d != channelAxis) {
                    shape.setDim(d, Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(names[d]));
                }
            }
        }
        return b.build();
    }

    private static Onnx.ValueInfoProto floatOutput(String name, String... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (String d : dims) {
            shape.addDim(d.chars().allMatch(Character::isDigit) ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(Long.parseLong(d))
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
