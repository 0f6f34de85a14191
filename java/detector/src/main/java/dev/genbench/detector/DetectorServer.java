package dev.genbench.detector;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code detector serve}: a small HTTP API over one {@link Detector}, on the JDK's HTTP server.
 *
 * <ul>
 *   <li>{@code POST /score}, body = the encoded image: {@code {"score", "label", "threshold", "crops", "ms"}};</li>
 *   <li>{@code GET /health}: {@code {"status":"ok", ...}}; {@code GET /info}: the model's metadata.</li>
 * </ul>
 *
 * <p>Limits, each answered with a 4xx or 503 and a one-line JSON {@code error} that says what to change:
 * request body size (413, checked from Content-Length before reading and while reading), image pixels from
 * the header before decoding (the decompression-bomb guard, 422), undecodable, truncated or empty bodies
 * (422 / 400), at most {@code maxConcurrent} images scored at once with a bounded wait for a slot (503
 * after {@code queueTimeoutMillis}), and the JDK server's request/response time limits for slow clients.
 * Bound to 127.0.0.1 unless told otherwise.
 */
public final class DetectorServer implements AutoCloseable {

    /**
     * @param maxBodyBytes largest request body accepted
     * @param maxConcurrent images scored at the same time (others wait for a slot)
     * @param queueTimeoutMillis how long a request waits for a slot before a 503
     * @param requestTimeoutSeconds how long a client may take to send its request, and to read the answer
     */
    public record Limits(long maxBodyBytes, int maxConcurrent, long queueTimeoutMillis, int requestTimeoutSeconds) {}

    private final Detector detector;
    private final Limits limits;
    private final HttpServer server;
    private final ExecutorService pool;
    private final Semaphore slots;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    private DetectorServer(Detector detector, Limits limits, HttpServer server, ExecutorService pool) {
        this.detector = detector;
        this.limits = limits;
        this.server = server;
        this.pool = pool;
        this.slots = new Semaphore(limits.maxConcurrent(), true);
    }

    /** Starts serving on {@code host:port} (port 0: any free port, see {@link #port()}). */
    public static DetectorServer start(Detector detector, String host, int port, Limits limits) {
        // Read once by the JDK server when its first instance is made: slow senders and readers are cut off.
        System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(limits.requestTimeoutSeconds()));
        System.setProperty("sun.net.httpserver.maxRspTime", String.valueOf(limits.requestTimeoutSeconds()));
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 128);
        } catch (IOException e) {
            throw new UserError("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "); choose another --port or --host");
        }
        // Threads beyond the scoring slots answer health checks and refusals while every slot is busy.
        ExecutorService pool = Executors.newFixedThreadPool(limits.maxConcurrent() + 4, r -> {
            Thread t = new Thread(r, "detector-http");
            t.setDaemon(true);
            return t;
        });
        DetectorServer s = new DetectorServer(detector, limits, server, pool);
        server.setExecutor(pool);
        server.createContext("/", s::handle);
        server.start();
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            switch (path) {
                case "/health" -> {
                    if (!method.equals("GET")) {
                        reply(ex, 405, error("use GET /health"));
                    } else {
                        reply(ex, 200, "{\"status\":\"ok\",\"model\":" + Json.quote(detector.file().getFileName().toString())
                                + ",\"served\":" + served.get() + ",\"rejected\":" + rejected.get()
                                + ",\"free_slots\":" + slots.availablePermits() + "}");
                    }
                }
                case "/info" -> reply(ex, 200, info());
                case "/score" -> {
                    if (!method.equals("POST")) {
                        reply(ex, 405, error("POST the encoded image (JPEG, PNG, WebP, ...) as the request body to /score"));
                    } else {
                        score(ex);
                    }
                }
                default -> reply(ex, 404, error("unknown path " + path + "; endpoints: POST /score, GET /health, GET /info"));
            }
        } catch (RuntimeException e) {
            // Never let one request take the server down; the client gets a 500 it can report.
            rejected.incrementAndGet();
            try {
                reply(ex, 500, error("internal error: " + e));
            } catch (IOException | RuntimeException ignored) {
                // the response had already started
            }
        }
    }

    private void score(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                reply(ex, 400, error("Content-Length '" + length + "' is not a number"));
                return;
            }
            if (declared > limits.maxBodyBytes()) {
                // The body stays unread, so this connection cannot carry another request: say so, or a client
                // reusing it would find it closed.
                ex.getResponseHeaders().set("Connection", "close");
                refuse(ex, 413, "the image is " + declared + " bytes, above this server's limit of " + limits.maxBodyBytes()
                        + " (--max-body-bytes)");
                return;
            }
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(Math.toIntExact(Math.min(Integer.MAX_VALUE - 8, limits.maxBodyBytes() + 1)));
            if (body.length > limits.maxBodyBytes()) {
                // A chunked body over the limit: read the rest away (the request time limit bounds it), so the
                // client, still sending, gets the answer instead of a reset connection.
                in.transferTo(OutputStream.nullOutputStream());
                refuse(ex, 413, "the image is more than " + limits.maxBodyBytes() + " bytes, this server's limit (--max-body-bytes)");
                return;
            }
        }
        if (body.length == 0) {
            refuse(ex, 400, "the request body is empty; POST the encoded image as the body");
            return;
        }
        boolean acquired;
        try {
            acquired = slots.tryAcquire(limits.queueTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            ex.getResponseHeaders().add("Retry-After", "1");
            refuse(ex, 503, "all " + limits.maxConcurrent() + " scoring slots stayed busy for " + limits.queueTimeoutMillis()
                    + " ms; retry later or raise --max-concurrent");
            return;
        }
        long start = System.nanoTime();
        Detector.Score s;
        try {
            s = detector.score(body, "request body");
        } catch (UserError e) {
            refuse(ex, 422, e.getMessage());
            return;
        } finally {
            slots.release();
        }
        double ms = (System.nanoTime() - start) / 1e6;
        served.incrementAndGet();
        reply(ex, 200, "{\"score\":" + Json.number((float) s.score()) + ",\"label\":\"" + (s.fake() ? "fake" : "real")
                + "\",\"threshold\":" + detector.metadata().threshold() + ",\"crops\":" + Json.floats(s.crops())
                + ",\"ms\":" + String.format(java.util.Locale.ROOT, "%.2f", ms) + "}");
    }

    private String info() {
        StringBuilder b = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, String> e : detector.metadata().toProperties().entrySet()) {
            b.append(first ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
            first = false;
        }
        return b.append('}').toString();
    }

    private void refuse(HttpExchange ex, int status, String message) throws IOException {
        rejected.incrementAndGet();
        reply(ex, status, error(message));
    }

    private static String error(String message) {
        return "{\"error\":" + Json.quote(message) + "}";
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        pool.shutdownNow();
    }
}
