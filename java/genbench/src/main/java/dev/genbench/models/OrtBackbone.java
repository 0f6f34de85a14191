package dev.genbench.models;

import dev.genbench.image.TensorLayout;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genbench.config.Devices;
import dev.genbench.config.TrainerConfig;
import dev.genbench.console.UserError;
import dev.genbench.detector.OnnxRuntime;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A frozen backbone on ONNX Runtime (CPU execution provider, or CUDA's when asked and present): normalised pixels in, the card's feature
 * vector out. Inputs are wrapped, not copied (callers pass direct, native-order buffers), and the graph
 * writes its outputs into buffers allocated once per batch size and reused, so the only copy is the
 * pooling of the card's outputs into the caller's feature buffer.
 *
 * <p>Not thread-safe: one instance per thread, or calls serialised by the caller (ONNX Runtime already
 * uses {@link Options#intraOpThreads} threads inside one call). Close it to free the native session.
 */
public final class OrtBackbone implements FeatureExtractor {

    /**
     * How the session runs.
     *
     * @param intraOpThreads threads inside one operator (0: ONNX Runtime's default, all cores)
     * @param interOpThreads threads across independent operators (0: default)
     * @param spinWait whether idle intra-op threads spin before sleeping: faster when the backbone has the
     *     cores to itself, slower when loader threads share them (spinning takes their CPU time)
     * @param provider the execution provider
     * @param deviceId the CUDA device index (ignored on CPU)
     */
    public record Options(int intraOpThreads, int interOpThreads, boolean spinWait, Provider provider, int deviceId) {
        public Options {
            if (intraOpThreads < 0 || interOpThreads < 0 || deviceId < 0) {
                throw new IllegalArgumentException("thread counts and the device index must not be negative");
            }
        }

        public Options(int intraOpThreads, int interOpThreads) {
            this(intraOpThreads, interOpThreads, true, Provider.CPU, 0);
        }

        public static Options defaults() {
            return new Options(0, 0);
        }

        /**
         * The options {@code trainer.accelerator} and {@code trainer.devices} ask for: the CUDA execution
         * provider on the first listed device for {@code cuda}/{@code gpu}, else the CPU one. Loader threads
         * share the cores with the backbone here, so intra-op threads do not spin.
         */
        public static Options forTrainer(TrainerConfig trainer) {
            var a = trainer.accelerator();
            boolean cuda = a == TrainerConfig.Accelerator.CUDA || a == TrainerConfig.Accelerator.GPU;
            return new Options(0, 0, false, cuda ? Provider.CUDA : Provider.CPU, cuda ? firstDevice(trainer.devices()) : 0);
        }

        private static int firstDevice(Devices devices) {
            Object v = devices.value();
            if (v instanceof List<?> list && !list.isEmpty()) {
                return ((Number) list.get(0)).intValue();
            }
            if (v instanceof String s && s.matches("\\d+(,\\d+)*,?") && s.contains(",")) {
                return Integer.parseInt(s.substring(0, s.indexOf(',')));
            }
            return 0; // auto or a count: the first device
        }

        public Options withThreads(int intra, int inter) {
            return new Options(intra, inter, spinWait, provider, deviceId);
        }

        public Options withSpinWait(boolean spin) {
            return new Options(intraOpThreads, interOpThreads, spin, provider, deviceId);
        }
    }

    /** {@code CPU}: always there; {@code CUDA}: needs the GPU artifact (Maven profile {@code cuda}) and a GPU. */
    public enum Provider { CPU, CUDA }

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
        OrtEnvironment env = OnnxRuntime.environment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            if (options.interOpThreads() > 0) {
                so.setInterOpNumThreads(options.interOpThreads());
            }
            so.addConfigEntry("session.intra_op.allow_spinning", options.spinWait() ? "1" : "0");
            if (options.provider() == Provider.CUDA) {
                addCuda(so, options.deviceId(), model.card().name());
            }
            OrtSession session = env.createSession(file.toString(), so);
            OrtBackbone backbone = new OrtBackbone(model.card(), env, session);
            backbone.checkGraphAgainstCard(file);
            return backbone;
        } catch (OrtException e) {
            throw new UserError("ONNX Runtime cannot load '" + file + "' (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Adds the CUDA execution provider, or says plainly why it cannot: the CPU-only ONNX Runtime artifact
     * is on the class path, or the GPU artifact finds no usable GPU, driver or CUDA libraries.
     */
    static void addCuda(OrtSession.SessionOptions so, int deviceId, String modelName) throws OrtException {
        requireCudaProvider("backbone '" + modelName + "'");
        try {
            so.addCUDA(deviceId);
        } catch (OrtException e) {
            throw new UserError("trainer.accelerator asks for a GPU, but ONNX Runtime cannot start its CUDA execution provider on"
                    + " device " + deviceId + " for backbone '" + modelName + "' (" + e.getMessage() + "); check nvidia-smi, the"
                    + " CUDA 12 and cuDNN 9 libraries and trainer.devices, or set trainer.accelerator: cpu", e);
        }
    }

    /**
     * Fails unless the ONNX Runtime on the class path has the CUDA execution provider: a command checks this
     * before it opens any data, so a CPU-only build says at once what to do.
     *
     * @param what what needs the GPU, for the message
     */
    public static void requireCudaProvider(String what) {
        boolean present;
        try {
            present = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        } catch (RuntimeException | LinkageError e) {
            throw new UserError("trainer.accelerator asks for a GPU, but ONNX Runtime's native library does not load ("
                    + e.getMessage() + "); set trainer.accelerator: cpu or reinstall genbench", e);
        }
        if (!present) {
            throw new UserError("trainer.accelerator asks for a GPU, but this build of genbench has the CPU-only ONNX Runtime"
                    + " (no CUDA execution provider for " + what + "); run genbench as GENBENCH_MAVEN_PROFILES=cuda ./genbench ...,"
                    + " which builds with the GPU artifact (-Pcuda), on a machine with an NVIDIA GPU, CUDA 12 and cuDNN 9, or set"
                    + " trainer.accelerator: cpu");
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

    @Override
    public ModelCard card() {
        return card;
    }

    @Override
    public int featureWidth() {
        return card.featureWidth();
    }

    /**
     * Runs one batch.
     *
     * @param pixels {@code batch} normalised images in the card's layout and size; direct, native order
     * @param features receives {@code batch × featureWidth()} floats from its current position
     */
    @Override
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
