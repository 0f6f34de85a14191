package dev.genbench.export;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genbench.detector.Detector;
import dev.genbench.detector.DetectorServer;
import dev.genbench.image.DecodeLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code detector serve}: bad uploads get a 4xx with a message, and the service keeps serving. */
class DetectorServerTest {
    private static final long MAX_BODY = 200_000;

    @TempDir
    Path tmp;

    private Detector detector;
    private DetectorServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        detector = Detector.open(DetectorGraphTest.exportSynthetic(tmp),
                new Detector.Options(Detector.Device.CPU, 1, new DecodeLimits(4_000_000)));
        server = DetectorServer.start(detector, "127.0.0.1", 0, new DetectorServer.Limits(MAX_BODY, 2, 2000, 10));
    }

    @AfterEach
    void stop() {
        server.close();
        detector.close();
    }

    @Test
    void scoresAnImage() throws Exception {
        HttpResponse<String> r = post(png(120, 90));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().matches("\\{\"score\":[0-9.eE-]+,\"label\":\"(fake|real)\",\"threshold\":0.5,\"crops\":\\[[^]]+],\"ms\":[0-9.]+}\\n"),
                r.body());
    }

    @Test
    void badUploadsGet4xxAndTheServiceKeepsServing() throws Exception {
        byte[] good = png(120, 90);
        assertStatus(413, post(new byte[(int) MAX_BODY + 1]), "above this server's limit");
        assertStatus(413, postChunked(new byte[(int) MAX_BODY + 1000]), "this server's limit");
        assertStatus(422, post("definitely not an image".getBytes()), "not an image");
        assertStatus(422, post(Arrays.copyOf(good, good.length / 2)), "truncated or corrupt");
        assertStatus(422, post(pngBomb(60_000, 60_000)), "decompression-bomb guard");
        assertStatus(400, post(new byte[0]), "empty");
        assertStatus(405, client.send(HttpRequest.newBuilder(uri("/score")).GET().build(), HttpResponse.BodyHandlers.ofString()), "POST");
        assertStatus(404, client.send(HttpRequest.newBuilder(uri("/nope")).GET().build(), HttpResponse.BodyHandlers.ofString()), "/score");

        HttpResponse<String> health = client.send(HttpRequest.newBuilder(uri("/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("\"status\":\"ok\""), health.body());
        assertEquals(200, post(good).statusCode());
    }

    @Test
    void cudaWithoutAGpuBuildIsAClearError() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.genbench.console.UserError.class,
                () -> Detector.open(detector.file(), new Detector.Options(Detector.Device.CUDA, 1, DecodeLimits.DEFAULT)));
        assertTrue(e.getMessage().contains("--device cuda") && e.getMessage().contains("--device cpu"), e.getMessage());
    }

    private void assertStatus(int status, HttpResponse<String> r, String messagePart) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("{\"error\":") && r.body().contains(messagePart), r.body());
    }

    private HttpResponse<String> post(byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(uri("/score")).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Without Content-Length (chunked), so the limit must hold while reading. */
    private HttpResponse<String> postChunked(byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(uri("/score"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static byte[] png(int width, int height) {
        try (Mat m = new Mat(height, width, opencv_core.CV_8UC3); Mat mean = new Mat(1, 1, opencv_core.CV_64F, new Scalar(128));
                Mat std = new Mat(1, 1, opencv_core.CV_64F, new Scalar(60)); BytePointer out = new BytePointer()) {
            opencv_core.randn(m, mean, std);
            imencode(".png", m, out);
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    /** A valid PNG header claiming width × height pixels, followed by a tiny IDAT: what a decompression bomb looks like up front. */
    static byte[] pngBomb(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0)
                .put((byte) 0).array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws Exception {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
