package dev.genbench.export;

import com.google.protobuf.ByteString;
import dev.genbench.console.UserError;
import dev.genbench.image.TensorLayout;
import dev.genbench.models.ModelCard;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onnx.Onnx;

/**
 * Builds the exported detector's graph. For a probe: the backbone's ONNX graph, followed by the feature readout the model card describes
 * (flatten or spatial pooling, concatenation, optional L2 normalisation), the rounding of the features to
 * float16 that the framework's feature cache applies (the head was trained and evaluated on those values),
 * the head's standardisation, the linear layer (Gemm) and a Sigmoid: {@code score}, P(fake) per crop, shape
 * [crops]. The backbone's own outputs are dropped; the metadata goes into {@code metadata_props}. For a tuned
 * model ({@link #fromTuned}): the whole fine-tuned graph the tune run writes, followed by the Sigmoid.
 *
 * <p>Stateless; names of added nodes and tensors start with {@code genbench_head/} so they never collide with
 * the backbone's.
 */
public final class DetectorGraph {
    static final String PREFIX = "genbench_head/";

    private DetectorGraph() {}

    /**
     * The head: the linear layer's weight [D] and bias, and the optional standardisation (both or neither).
     *
     * @param roundFeaturesToHalf round the features through float16 first, as the feature cache the probe head
     *     was trained and evaluated on does (false for a tuned model, whose head reads float32 features)
     */
    public record Head(float[] weight, float bias, float[] featureMean, float[] featureScale, boolean roundFeaturesToHalf) {
        public Head {
            if ((featureMean == null) != (featureScale == null)) {
                throw new IllegalArgumentException("feature mean and scale come together");
            }
        }
    }

    public static Onnx.ModelProto build(Onnx.ModelProto backbone, ModelCard card, Head head, Map<String, String> metadata) {
        int opset = defaultOpset(backbone);
        Onnx.ModelProto.Builder model = backbone.toBuilder();
        Onnx.GraphProto.Builder g = model.getGraphBuilder();
        List<String> available = g.getOutputList().stream().map(Onnx.ValueInfoProto::getName).toList();
        g.clearOutput();
        List<String> parts = new ArrayList<>();
        for (ModelCard.FeatureOutput f : card.features()) {
            if (!available.contains(f.output())) {
                throw new UserError("model card '" + card.name() + "' reads output '" + f.output() + "' but the backbone graph has outputs "
                        + available);
            }
            parts.addAll(readout(g, f, opset));
        }
        String features = parts.size() == 1 ? parts.getFirst() : node(g, "Concat", parts, "features", List.of(intAttr("axis", 1)));
        if (card.l2Normalize()) {
            String norm = node(g, "ReduceL2", reduceInputs(g, features, new long[] {1}, opset), "l2", reduceAttrs(new long[] {1}, opset, true));
            String floor = node(g, "Max", List.of(norm, constant(g, "l2_floor", new float[] {1e-12f}, new long[] {1})), "l2_floor_max", List.of());
            features = node(g, "Div", List.of(features, floor), "l2_normalised", List.of());
        }
        if (head.roundFeaturesToHalf()) {
            String half = node(g, "Cast", List.of(features), "features_f16", List.of(intAttr("to", Onnx.TensorProto.DataType.FLOAT16_VALUE)));
            features = node(g, "Cast", List.of(half), "features_f32", List.of(intAttr("to", Onnx.TensorProto.DataType.FLOAT_VALUE)));
        }
        int width = head.weight().length;
        if (head.featureMean() != null) {
            String centred = node(g, "Sub", List.of(features, constant(g, "feature_mean", head.featureMean(), new long[] {width})), "centred", List.of());
            features = node(g, "Mul", List.of(centred, constant(g, "feature_scale", head.featureScale(), new long[] {width})), "standardised",
                    List.of());
        }
        String logit = node(g, "Gemm", List.of(features, constant(g, "weight", head.weight(), new long[] {1, width}),
                constant(g, "bias", new float[] {head.bias()}, new long[] {1})), "logit", List.of(intAttr("transB", 1)));
        return finish(model, logit, metadata, "AI-generated image detector: " + card.name() + " backbone + linear head + sigmoid (genbench export)");
    }

    /**
     * The detector of a {@code _tune} window: its fine-tuned graph ({@code tuned.onnx}, pixels in, one logit per
     * image out, written by the tune run) followed by the Sigmoid. Its head reads float32 features, as it was
     * trained, so nothing is rounded.
     *
     * @param logitOutput the graph output holding the logits ([N] or [N, 1])
     */
    public static Onnx.ModelProto fromTuned(Onnx.ModelProto tuned, String logitOutput, Map<String, String> metadata) {
        Onnx.ModelProto.Builder model = tuned.toBuilder();
        List<String> available = model.getGraph().getOutputList().stream().map(Onnx.ValueInfoProto::getName).toList();
        if (!available.contains(logitOutput)) {
            throw new UserError("the tuned graph has outputs " + available + ", not the logit output '" + logitOutput
                    + "'; was it written by `genbench fit` with a _tune model?");
        }
        model.getGraphBuilder().clearOutput();
        return finish(model, logitOutput, metadata, "AI-generated image detector: fine-tuned network + sigmoid (genbench export)");
    }

    /** Sigmoid, reshape to [crops], the {@code score} output and the metadata. */
    private static Onnx.ModelProto finish(Onnx.ModelProto.Builder model, String logit, Map<String, String> metadata, String doc) {
        Onnx.GraphProto.Builder g = model.getGraphBuilder();
        String probability = node(g, "Sigmoid", List.of(logit), "probability", List.of());
        Onnx.TensorProto shape = Onnx.TensorProto.newBuilder().setName(PREFIX + "score_shape").setDataType(Onnx.TensorProto.DataType.INT64_VALUE)
                .addDims(1).addInt64Data(-1).build();
        g.addInitializer(shape);
        g.addNode(Onnx.NodeProto.newBuilder().setOpType("Reshape").setName(PREFIX + "score").addInput(probability).addInput(shape.getName())
                .addOutput(dev.genbench.detector.DetectorMetadata.OUTPUT));
        g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(dev.genbench.detector.DetectorMetadata.OUTPUT)
                .setDocString("P(fake) of each crop; an image's score is the mean over its crops")
                .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                        .setShape(Onnx.TensorShapeProto.newBuilder().addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("crops"))))));
        model.clearMetadataProps();
        metadata.forEach((k, v) -> model.addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        model.setProducerName("genbench export");
        model.setDocString(doc);
        return model.build();
    }

    /** One card output as [N, width] or [N, 2·width] columns of the feature vector. */
    private static List<String> readout(Onnx.GraphProto.Builder g, ModelCard.FeatureOutput f, int opset) {
        String x = f.output();
        if (f.pooling() == ModelCard.Pooling.NONE) {
            return List.of(node(g, "Flatten", List.of(x), x + "/flat", List.of(intAttr("axis", 1))));
        }
        long[] axes = f.layout() == TensorLayout.NCHW ? new long[] {2, 3} : new long[] {1, 2};
        List<String> out = new ArrayList<>();
        if (f.pooling() != ModelCard.Pooling.MEAN_SQUARE) {
            out.add(node(g, "ReduceMean", reduceInputs(g, x, axes, opset), x + "/mean", reduceAttrs(axes, opset, false)));
        }
        if (f.pooling() != ModelCard.Pooling.MEAN) {
            String squared = node(g, "Mul", List.of(x, x), x + "/square", List.of());
            out.add(node(g, "ReduceMean", reduceInputs(g, squared, axes, opset), x + "/mean_square", reduceAttrs(axes, opset, false)));
        }
        return out;
    }

    /** From opset 18 the reduce axes are an input; before, an attribute. */
    private static List<String> reduceInputs(Onnx.GraphProto.Builder g, String x, long[] axes, int opset) {
        if (opset < 18) {
            return List.of(x);
        }
        String name = PREFIX + "axes_" + g.getInitializerCount();
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.INT64_VALUE).addDims(axes.length);
        for (long a : axes) {
            t.addInt64Data(a);
        }
        g.addInitializer(t);
        return List.of(x, name);
    }

    private static List<Onnx.AttributeProto> reduceAttrs(long[] axes, int opset, boolean keepDims) {
        List<Onnx.AttributeProto> attrs = new ArrayList<>();
        attrs.add(intAttr("keepdims", keepDims ? 1 : 0));
        if (opset < 18) {
            Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName("axes").setType(Onnx.AttributeProto.AttributeType.INTS);
            for (long v : axes) {
                a.addInts(v);
            }
            attrs.add(a.build());
        }
        return attrs;
    }

    private static String node(Onnx.GraphProto.Builder g, String op, List<String> inputs, String name, List<Onnx.AttributeProto> attrs) {
        String out = PREFIX + name;
        g.addNode(Onnx.NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(inputs).addOutput(out).addAllAttribute(attrs));
        return out;
    }

    private static String constant(Onnx.GraphProto.Builder g, String name, float[] values, long[] dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(PREFIX + name).setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        g.addInitializer(t);
        return t.getName();
    }

    private static Onnx.AttributeProto intAttr(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static int defaultOpset(Onnx.ModelProto model) {
        for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return (int) o.getVersion();
            }
        }
        throw new UserError("the backbone graph imports no default ONNX opset; it is not a valid ONNX model");
    }
}
