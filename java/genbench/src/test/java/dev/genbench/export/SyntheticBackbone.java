package dev.genbench.export;

import com.google.protobuf.ByteString;
import dev.genbench.image.TensorLayout;
import dev.genbench.models.ModelCard;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import onnx.Onnx;

/**
 * A small backbone written with the ONNX protobuf classes, so export tests need no converted model: input
 * {@code pixel_values} [N, 3, 16, 16] → 3×3 convolution to 4 channels → ReLU = output {@code map} [N, 4, 14, 14],
 * and {@code vec} = its spatial mean [N, 4]. Its card reads {@code map} pooled (mean and mean of squares) and
 * {@code vec} as is: 12 features.
 */
final class SyntheticBackbone {
    static final int SIZE = 16;

    private SyntheticBackbone() {}

    static Onnx.ModelProto model(long seed) {
        var rng = new SplittableRandom(seed);
        float[] w = new float[4 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextDouble(-0.5, 0.5);
        }
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("synthetic");
        g.addInput(value("pixel_values", "N", 3, SIZE, SIZE));
        g.addInitializer(tensor("conv_w", w, 4, 3, 3, 3));
        g.addNode(Onnx.NodeProto.newBuilder().setOpType("Conv").addInput("pixel_values").addInput("conv_w").addOutput("conv"));
        g.addNode(Onnx.NodeProto.newBuilder().setOpType("Relu").addInput("conv").addOutput("map"));
        g.addInitializer(Onnx.TensorProto.newBuilder().setName("axes").setDataType(Onnx.TensorProto.DataType.INT64_VALUE).addDims(2)
                .addInt64Data(2).addInt64Data(3));
        g.addNode(Onnx.NodeProto.newBuilder().setOpType("ReduceMean").addInput("map").addInput("axes").addOutput("vec")
                .addAttribute(Onnx.AttributeProto.newBuilder().setName("keepdims").setType(Onnx.AttributeProto.AttributeType.INT).setI(0)));
        g.addOutput(value("map", "N", 4, SIZE - 2, SIZE - 2));
        g.addOutput(value("vec", "N", 4));
        return Onnx.ModelProto.newBuilder().setIrVersion(8).addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(18))
                .setGraph(g).build();
    }

    static ModelCard card() {
        return new ModelCard("synthetic", List.of(), "test", Path.of("synthetic.onnx"), null,
                new ModelCard.Input(List.of(SIZE, SIZE), TensorLayout.NCHW, ModelCard.PixelRange.UNIT, List.of(0.48145466, 0.4578275, 0.40821073),
                        List.of(0.26862954, 0.26130258, 0.27577711), "pixel_values"),
                List.of(new ModelCard.FeatureOutput("map", ModelCard.Pooling.MEAN_AND_MEAN_SQUARE, TensorLayout.NCHW, 4),
                        new ModelCard.FeatureOutput("vec", ModelCard.Pooling.NONE, TensorLayout.NCHW, 4)),
                false, true, "test", false, "synthetic backbone for tests");
    }

    /** Writes the backbone into {@code folder} as {@code synthetic.onnx}, beside where its card would be. */
    static Path write(Path folder, long seed) throws java.io.IOException {
        Path file = folder.resolve("synthetic.onnx");
        Files.write(file, model(seed).toByteArray());
        return file;
    }

    static float[] randoms(long seed, int n, double lo, double hi) {
        var rng = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rng.nextDouble(lo, hi);
        }
        return out;
    }

    private static Onnx.ValueInfoProto value(String name, Object... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String s ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(s)
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue((Integer) d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static Onnx.TensorProto tensor(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
