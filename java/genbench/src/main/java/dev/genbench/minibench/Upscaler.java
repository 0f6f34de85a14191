package dev.genbench.minibench;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genbench.console.UserError;
import dev.genbench.detector.OnnxRuntime;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A converted super-resolution generator on ONNX Runtime (CPU): 8-bit BGR in, 8-bit BGR {@code scale} times
 * larger out; thread-safe (ONNX Runtime's run() is). Every converted generator takes and returns 0-255 RGB NHWC (the converter folds the RRDN
 * models' 0-1 range into the graph), so this class needs no per-model range. Close it.
 */
final class Upscaler implements AutoCloseable {
    private final OrtEnvironment env = OnnxRuntime.environment();
    private final OrtSession session;
    private final int scale;
    private final Path file;
    private final java.util.concurrent.atomic.AtomicLong runNanos = new java.util.concurrent.atomic.AtomicLong();

    Upscaler(Path onnx, int scale, int threads) {
        this.scale = scale;
        this.file = onnx;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(onnx.toString(), options);
        } catch (OrtException e) {
            throw new UserError("ONNX Runtime cannot load " + onnx + " (" + e.getMessage() + "); delete it and rerun to convert it again.", e);
        }
    }

    Mat upscale(Mat bgr) {
        int h = bgr.rows();
        int w = bgr.cols();
        FloatBuffer input = ByteBuffer.allocateDirect(4 * h * w * 3).order(ByteOrder.nativeOrder()).asFloatBuffer();
        try (Mat rgb = new Mat(); Mat f = new Mat()) {
            cvtColor(bgr, rgb, COLOR_BGR2RGB);
            rgb.convertTo(f, CV_32FC3);
            FloatPointer fp = new FloatPointer(f.data());
            float[] row = new float[h * w * 3];
            fp.get(row);
            input.put(row).flip();
        }
        long start = System.nanoTime();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, new long[] {1, h, w, 3});
                OrtSession.Result result = session.run(Map.of("input", tensor))) {
            runNanos.addAndGet(System.nanoTime() - start);
            OnnxTensor out = (OnnxTensor) result.get(0);
            long[] shape = out.getInfo().getShape();
            if (shape[1] != (long) h * scale || shape[2] != (long) w * scale) {
                throw new IllegalStateException(file + " returned " + shape[2] + "x" + shape[1] + " for " + w + "x" + h + " at scale " + scale);
            }
            FloatBuffer values = out.getFloatBuffer();
            float[] data = new float[values.remaining()];
            values.get(data);
            Mat f = new Mat((int) shape[1], (int) shape[2], CV_32FC3);
            try (FloatPointer fp = new FloatPointer(f.data()); Mat rgb8 = new Mat()) {
                fp.put(data);
                // convertTo rounds to nearest and saturates to 0-255, as the models' outputs overshoot a little.
                f.convertTo(rgb8, CV_8UC3);
                Mat bgrOut = new Mat();
                cvtColor(rgb8, bgrOut, COLOR_RGB2BGR);
                return bgrOut;
            } finally {
                f.close();
            }
        } catch (OrtException e) {
            throw new UserError("ONNX Runtime failed running " + file + " on a " + w + "x" + h + " image: " + e.getMessage(), e);
        }
    }

    /** Seconds spent inside ONNX Runtime so far, summed over threads. */
    double inferenceSeconds() {
        return runNanos.get() / 1e9;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing " + file + ": " + e.getMessage(), e);
        }
    }
}
