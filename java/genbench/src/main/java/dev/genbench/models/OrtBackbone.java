package dev.genbench.models;

import dev.genbench.image.TensorLayout;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genbench.console.UserError;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A frozen backbone on ONNX Runtime's CPU execution provider: normalised pixels in, the card's feature
 * vector out. Inputs are wrapped, not copied (callers pass direct, native-order buffers), and the graph
 * writes its outputs into buffers allocated once per batch size and reused, so the only copy is the
 * pooling of the card's outputs into the caller's feature buffer.
 *
 * <p>Not thread-safe: one instance per thread, or calls serialised by the caller (ONNX Runtime already
 * uses {@link Options#intraOpThreads} threads inside one call). Close it to free the native session.
 */
public final class OrtBackbone implements AutoCloseable {

    /**
     * @param intraOpThreads threads inside one operator (0: ONNX Runtime's default, all cores)
     * @param interOpThreads threads across independent operators (0: default)
     */
    public record Options(int intraOpThreads, int interOpThreads) {
        public static Options defaults() {
            return new Options(0, 0);
        }
    }

    private final ModelCard card;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Map<String, long[]> outputShapes = new LinkedHashMap<>();
    private int pinnedBatch = -1;
    private Map<String, OnnxValue> pinned = Map.of();
    private Map<String, FloatBuffer> pinnedBuffers = Map.of();

    private OrtBackbone(ModelCard card, OrtEnvironment env, OrtSession session) {
        this.card = card;
        this.env = env;
        this.session = session;
    }

    /** Opens the card's ONNX file; errors name the file and what to do. */
    public static OrtBackbone open(ModelCatalogue.Resolved model, Options options) {
        Path file = model.onnxFile();
        if (!Files.isRegularFile(file)) {
            String how = model.card().source() != null ? "produce it with: " + model.card().source()
                    : "export it with models/onnx/export_backbone.py";
            throw new UserError("the ONNX file '" + file + "' of model card '" + model.card().name() + "' is missing; " + how);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            if (options.interOpThreads() > 0) {
                so.setInterOpNumThreads(options.interOpThreads());
            }
            OrtSession session = env.createSession(file.toString(), so);
            OrtBackbone backbone = new OrtBackbone(model.card(), env, session);
            backbone.checkGraphAgainstCard(file);
            return backbone;
        } catch (OrtException e) {
            throw new UserError("ONNX Runtime cannot load '" + file + "' (" + e.getMessage() + ")", e);
        }
    }

    private void checkGraphAgainstCard(Path file) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (!inputs.containsKey(card.input().name())) {
            throw new UserError("model card '" + card.name() + "' names input '" + card.input().name() + "' but '" + file
                    + "' has inputs " + inputs.keySet());
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        for (ModelCard.FeatureOutput f : card.features()) {
            NodeInfo info = outputs.get(f.output());
            if (info == null) {
                throw new UserError("model card '" + card.name() + "' reads output '" + f.output() + "' but '" + file
                        + "' has outputs " + outputs.keySet());
            }
            long[] shape = ((TensorInfo) info.getInfo()).getShape();
            outputShapes.put(f.output(), shape);
            long channels = f.pooling() == ModelCard.Pooling.NONE ? product(shape, 1)
                    : shape[f.layout() == TensorLayout.NCHW ? 1 : shape.length - 1];
            if (channels > 0 && channels != f.width()) {
                throw new UserError("model card '" + card.name() + "' says output '" + f.output() + "' has width " + f.width()
                        + " but the graph gives " + channels + "; fix features[].width in the card");
            }
        }
    }

    public ModelCard card() {
        return card;
    }

    public int featureWidth() {
        return card.featureWidth();
    }

    /**
     * Runs one batch.
     *
     * @param pixels {@code batch} normalised images in the card's layout and size; direct, native order
     * @param features receives {@code batch × featureWidth()} floats from its current position
     */
    public void run(FloatBuffer pixels, int batch, FloatBuffer features) {
        var in = card.input();
        long[] shape = in.layout() == TensorLayout.NCHW
                ? new long[] {batch, 3, in.height(), in.width()}
                : new long[] {batch, in.height(), in.width(), 3};
        int values = Math.toIntExact(batch * 3L * in.height() * in.width());
        if (!pixels.isDirect() || pixels.remaining() < values) {
            throw new IllegalArgumentException("pixels must be a direct buffer holding " + batch + " images of "
                    + in.height() + "x" + in.width() + "x3");
        }
        pinOutputs(batch);
        // A view of exactly this batch (ONNX Runtime wants the size to match); no copy.
        try (OnnxTensor input = OnnxTensor.createTensor(env, pixels.slice(pixels.position(), values), shape);
                OrtSession.Result ignored = session.run(Map.of(in.name(), input), pinned)) {
            int base = features.position();
            int offset = 0;
            for (ModelCard.FeatureOutput f : card.features()) {
                FeatureReadout.write(f, outputShapes.get(f.output()), batch, pinnedBuffers.get(f.output()), features, base, offset,
                        featureWidth());
                offset += f.pooledWidth();
            }
            if (card.l2Normalize()) {
                FeatureReadout.l2Normalize(features, base, batch, featureWidth());
            }
            features.position(base + batch * featureWidth());
        } catch (OrtException e) {
            throw new UserError("backbone '" + card.name() + "' failed on a batch of " + batch + " (" + e.getMessage() + ")", e);
        }
    }

    /** Output tensors over buffers of our own, made once per batch size, into which the graph writes. */
    private void pinOutputs(int batch) {
        if (batch == pinnedBatch) {
            return;
        }
        closePinned();
        Map<String, OnnxValue> values = new LinkedHashMap<>();
        Map<String, FloatBuffer> buffers = new LinkedHashMap<>();
        try {
            for (var entry : outputShapes.entrySet()) {
                long[] shape = entry.getValue().clone();
                shape[0] = batch;
                for (int i = 1; i < shape.length; i++) {
                    if (shape[i] < 0) {
                        throw new UserError("backbone '" + card.name() + "' output '" + entry.getKey()
                                + "' has a dynamic dimension besides the batch; export it with fixed spatial sizes");
                    }
                }
                FloatBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(product(shape, 0) * Float.BYTES))
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                values.put(entry.getKey(), OnnxTensor.createTensor(env, buffer, shape));
                buffers.put(entry.getKey(), buffer);
            }
        } catch (OrtException e) {
            values.values().forEach(OnnxValue::close);
            throw new IllegalStateException("cannot allocate output tensors", e);
        }
        pinned = values;
        pinnedBuffers = buffers;
        pinnedBatch = batch;
    }

    private static long product(long[] shape, int from) {
        long p = 1;
        for (int i = from; i < shape.length; i++) {
            p *= shape[i];
        }
        return p;
    }

    private void closePinned() {
        pinned.values().forEach(OnnxValue::close);
        pinned = Map.of();
        pinnedBuffers = Map.of();
        pinnedBatch = -1;
    }

    @Override
    public void close() {
        closePinned();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX Runtime session of " + card.name(), e);
        }
    }

    /** The names of the graph's outputs, for error messages and tools. */
    public List<String> graphOutputs() {
        return List.copyOf(outputShapes.keySet());
    }
}
