package dev.genbench.detector;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.genbench.console.UserError;
import dev.genbench.image.DecodeLimits;
import dev.genbench.image.EvaluationPipeline;
import dev.genbench.image.ImageDecoder;
import dev.genbench.image.TensorWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * An exported detector loaded for scoring: encoded image bytes in, P(fake) out, through the framework's own
 * decoder, evaluation crops and tensor writer ({@link DetectorMetadata#pipeline()}) and one ONNX Runtime
 * session over the exported graph.
 *
 * <p>Thread-safe: {@link #score} may be called from many threads at once (ONNX Runtime sessions are); each
 * call owns its crops and tensor memory. Close it to free the native session.
 */
public final class Detector implements AutoCloseable {

    public enum Device { CPU, CUDA }

    /**
     * @param device CPU, or CUDA (needs an ONNX Runtime build with the CUDA provider)
     * @param intraOpThreads threads inside one graph run (0: ONNX Runtime's default, all cores)
     * @param limits the decompression-bomb guard
     */
    public record Options(Device device, int intraOpThreads, DecodeLimits limits) {}

    /** One image's result: the fused score, each crop's score and the decision. */
    public record Score(double score, float[] crops, boolean fake) {}

    private final Path file;
    private final DetectorMetadata metadata;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final EvaluationPipeline pipeline;
    private final TensorWriter writer;
    private final ImageDecoder decoder;

    private Detector(Path file, DetectorMetadata metadata, OrtEnvironment env, OrtSession session, DecodeLimits limits) {
        this.file = file;
        this.metadata = metadata;
        this.env = env;
        this.session = session;
        this.pipeline = metadata.pipeline();
        this.writer = metadata.tensorWriter();
        this.decoder = new ImageDecoder(limits);
    }

    /** Opens an exported detector; errors name the file and what to do. */
    public static Detector open(Path file, Options options) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("detector model '" + file + "' does not exist; pass --model FILE (written by `genbench export`)");
        }
        OrtEnvironment env = OnnxRuntime.environment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            if (options.device() == Device.CUDA) {
                if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                    throw new UserError("--device cuda: this detector's ONNX Runtime is the CPU build (providers "
                            + OrtEnvironment.getAvailableProviders() + "); CUDA needs ONNX Runtime's GPU build on the class"
                            + " path and CUDA 12 on the machine; run with --device cpu");
                }
                so.addCUDA(0);
            }
            OrtSession session = env.createSession(file.toString(), so);
            DetectorMetadata metadata;
            try {
                metadata = DetectorMetadata.fromProperties(session.getMetadata().getCustomMetadata(), file.toString());
                if (!session.getInputNames().contains(metadata.input()) || !session.getOutputNames().contains(DetectorMetadata.OUTPUT)) {
                    throw new UserError("'" + file + "' has inputs " + session.getInputNames() + " and outputs " + session.getOutputNames()
                            + " but its metadata names input '" + metadata.input() + "' and output '" + DetectorMetadata.OUTPUT + "'");
                }
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
            return new Detector(file, metadata, env, session, options.limits());
        } catch (OrtException e) {
            throw new UserError("ONNX Runtime cannot load detector '" + file + "' (" + e.getMessage() + ")", e);
        }
    }

    public DetectorMetadata metadata() {
        return metadata;
    }

    public Path file() {
        return file;
    }

    /**
     * Scores one encoded image.
     *
     * @param imageId names the image in errors
     * @throws UserError when the bytes are not a decodable image within the limits
     */
    public Score score(byte[] encoded, String imageId) {
        try (Mat decoded = decoder.decode(encoded, imageId)) {
            return score(decoded, imageId);
        }
    }

    /** Scores a decoded 8-bit RGB image; {@code image} stays the caller's. */
    public Score score(Mat image, String imageId) {
        List<Mat> crops = pipeline.inference(image);
        try {
            return run(crops, imageId);
        } finally {
            crops.forEach(Mat::close);
        }
    }

    private Score run(List<Mat> crops, String imageId) {
        int h = crops.getFirst().rows();
        int w = crops.getFirst().cols();
        long perCrop = writer.bytesPerImage(w, h);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pixels = arena.allocate(perCrop * crops.size(), 64);
            for (int i = 0; i < crops.size(); i++) {
                writer.write(crops.get(i), pixels.asSlice(i * perCrop, perCrop));
            }
            FloatBuffer input = pixels.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, metadata.shape(crops.size(), h, w));
                    OrtSession.Result result = session.run(Map.of(metadata.input(), tensor))) {
                float[] scores = flatten(result.get(DetectorMetadata.OUTPUT).orElseThrow().getValue());
                double sum = 0;
                for (float s : scores) {
                    sum += s;
                }
                // Mean of the per-crop probabilities in float32, as the framework's predictions are stored.
                float fused = (float) (sum / scores.length);
                return new Score(fused, scores, fused > (float) metadata.threshold());
            }
        } catch (OrtException e) {
            throw new UserError("detector '" + file + "' failed on image '" + imageId + "' (" + crops.size() + " crops of " + w + "x" + h
                    + "): " + e.getMessage(), e);
        }
    }

    private static float[] flatten(Object value) {
        if (value instanceof float[] f) {
            return f;
        }
        throw new IllegalStateException("output " + DetectorMetadata.OUTPUT + " is a " + value.getClass().getSimpleName()
                + ", expected float[] of shape [crops]");
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX Runtime session of " + file, e);
        }
    }
}
