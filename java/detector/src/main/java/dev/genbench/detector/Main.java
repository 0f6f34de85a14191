package dev.genbench.detector;

import dev.genbench.console.UserError;
import dev.genbench.image.DecodeLimits;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone detector's command line. The app image's launcher passes the bundled model as the
 * {@code detector.model} system property; {@code --model} overrides it.
 */
public final class Main {
    private static final String USAGE = """
            Usage: detector [--model FILE] COMMAND [OPTIONS]
              score FILES|DIRS|-   score images (folders walked; - reads one image from standard input)
                  --format text|csv|json   one line per image: path, score (P(fake)), label   [text]
                  --threads N              images scored in parallel                          [cores]
              serve                HTTP API: POST /score (image body -> JSON), GET /health, GET /info
                  --host H [127.0.0.1]  --port N [8080]  --max-body-bytes N [20000000]
                  --max-concurrent N [cores]  --queue-timeout-ms N [2000]  --request-timeout-s N [30]
              info                 print what the model expects and what made it
            Options for every command:
              --model FILE         an ONNX file written by `genbench export`   [the bundled model]
              --device cpu|cuda    cuda needs an ONNX Runtime GPU build        [cpu]
              --max-pixels N       refuse images above N pixels before decoding (decompression bombs)
              --intra-op-threads N threads inside one graph run                [1 for score/serve with several workers]
            """;
    private static final Set<String> COMMON = Set.of("model", "device", "max-pixels", "intra-op-threads");
    private static final Set<String> SERVE = Set.of("host", "port", "max-body-bytes", "max-concurrent", "queue-timeout-ms", "request-timeout-s");
    static final long SERVE_MAX_PIXELS = 40_000_000L;

    private Main() {}

    public static void main(String[] argv) {
        int status;
        try {
            status = run(List.of(argv), System.out, System.err);
        } catch (UserError e) {
            System.err.println("detector: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        BundledNatives.loadIfBundled();
        int at = 0;
        String model = System.getProperty("detector.model");
        // Options before the command: only --model.
        while (at < argv.size() && argv.get(at).startsWith("--model")) {
            String a = argv.get(at);
            if (a.contains("=")) {
                model = a.substring(a.indexOf('=') + 1);
                at++;
            } else if (at + 1 < argv.size()) {
                model = argv.get(at + 1);
                at += 2;
            } else {
                throw new UserError("--model needs a file");
            }
        }
        if (at >= argv.size() || argv.get(at).equals("--help") || argv.get(at).equals("-h") || argv.get(at).equals("help")) {
            out.print(USAGE);
            return at >= argv.size() ? 2 : 0;
        }
        String command = argv.get(at);
        List<String> rest = argv.subList(at + 1, argv.size());
        if (rest.contains("--help")) {
            out.print(USAGE);
            return 0;
        }
        Set<String> known = new HashSet<>(COMMON);
        switch (command) {
            case "score" -> known.addAll(ScoreCommand.OPTIONS);
            case "serve" -> known.addAll(SERVE);
            case "info" -> { }
            default -> throw new UserError("unknown command '" + command + "'; commands: score, serve, info (detector --help)");
        }
        Args args = Args.parse(rest, known, command);
        model = args.get("model", model);
        if (model == null) {
            throw new UserError("no model: pass --model FILE (an ONNX file written by `genbench export`)");
        }
        Detector.Device device = switch (args.get("device", "cpu").toLowerCase(Locale.ROOT)) {
            case "cpu" -> Detector.Device.CPU;
            case "cuda", "gpu" -> Detector.Device.CUDA;
            default -> throw new UserError("--device must be cpu or cuda, got '" + args.get("device", "") + "'");
        };
        int cores = Runtime.getRuntime().availableProcessors();
        // Many images at once: one thread per image and one inside each run scales best on CPU.
        int intra = args.getInt("intra-op-threads", command.equals("info") ? 0 : 1, 0);
        long maxPixels = args.getLong("max-pixels", command.equals("serve") ? SERVE_MAX_PIXELS : DecodeLimits.DEFAULT_MAX_PIXELS, 1);
        try (Detector detector = Detector.open(Path.of(model), new Detector.Options(device, intra, new DecodeLimits(maxPixels)))) {
            return switch (command) {
                case "score" -> ScoreCommand.run(detector, args, out, err);
                case "info" -> {
                    detector.metadata().toProperties().forEach((k, v) -> out.println(k + ": " + v));
                    yield 0;
                }
                default -> serve(detector, args, cores, err);
            };
        }
    }

    private static int serve(Detector detector, Args args, int cores, PrintStream err) {
        var limits = new DetectorServer.Limits(args.getLong("max-body-bytes", 20_000_000L, 1), args.getInt("max-concurrent", cores, 1),
                args.getLong("queue-timeout-ms", 2000, 0), args.getInt("request-timeout-s", 30, 1));
        String host = args.get("host", "127.0.0.1");
        try (DetectorServer server = DetectorServer.start(detector, host, args.getInt("port", 8080, 0), limits)) {
            err.println("detector: serving " + detector.file().getFileName() + " on http://" + host + ":" + server.port()
                    + " (POST /score, GET /health, GET /info); Ctrl-C stops");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }
}
