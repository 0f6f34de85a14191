package dev.genbench.detector;

import dev.genbench.console.Progress;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code detector score FILES|DIRS|-}: one line per image, in the order given (folders walked in name order),
 * as text ({@code path<TAB>score<TAB>label}), CSV or JSON lines. Images are decoded and scored on
 * {@code --threads} workers; a progress bar runs on standard error when there are many. An image that cannot
 * be read is reported on standard error and the exit status is 1; the others are still scored.
 */
final class ScoreCommand {
    static final Set<String> OPTIONS = Set.of("format", "threads");
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff", "jp2", "pgm", "ppm");
    private static final int PROGRESS_FROM = 32;

    enum Format { TEXT, CSV, JSON }

    private ScoreCommand() {}

    static int run(Detector detector, Args args, PrintStream out, PrintStream err) {
        if (args.positional().isEmpty()) {
            throw new UserError("detector score: give image files, folders or - (one image on standard input)");
        }
        Format format = switch (args.get("format", "text").toLowerCase(Locale.ROOT)) {
            case "text" -> Format.TEXT;
            case "csv" -> Format.CSV;
            case "json" -> Format.JSON;
            default -> throw new UserError("--format must be text, csv or json, got '" + args.get("format", "") + "'");
        };
        int threads = args.getInt("threads", Runtime.getRuntime().availableProcessors(), 1);
        List<String> inputs = expand(args.positional());
        if (format == Format.CSV) {
            out.println("path,score,label");
        }
        int failures = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "detector-score");
            t.setDaemon(true);
            return t;
        });
        try (Progress progress = inputs.size() >= PROGRESS_FROM ? Progress.start("scoring", inputs.size(), "img")
                : Progress.start("scoring", inputs.size(), "img", Progress.Mode.OFF, err, java.time.Duration.ZERO)) {
            List<Future<Detector.Score>> results = new ArrayList<>(inputs.size());
            for (String input : inputs) {
                results.add(pool.submit(() -> {
                    try {
                        return detector.score(read(input), input);
                    } finally {
                        progress.step();
                    }
                }));
            }
            for (int i = 0; i < inputs.size(); i++) {
                try {
                    out.println(line(format, inputs.get(i), results.get(i).get(), detector.metadata().threshold()));
                } catch (java.util.concurrent.ExecutionException e) {
                    failures++;
                    err.println("detector: " + (e.getCause() instanceof UserError u ? u.getMessage() : inputs.get(i) + ": " + e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UserError("detector score: interrupted");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    static String line(Format format, String path, Detector.Score s, double threshold) {
        String label = s.fake() ? "fake" : "real";
        return switch (format) {
            case TEXT -> path + "\t" + Json.number((float) s.score()) + "\t" + label;
            case CSV -> csv(path) + "," + Json.number((float) s.score()) + "," + label;
            case JSON -> "{\"path\":" + Json.quote(path) + ",\"score\":" + Json.number((float) s.score()) + ",\"label\":\"" + label
                    + "\",\"threshold\":" + threshold + ",\"crops\":" + Json.floats(s.crops()) + "}";
        };
    }

    private static String csv(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    private static byte[] read(String input) throws IOException {
        if (input.equals("-")) {
            return System.in.readAllBytes();
        }
        try {
            return Files.readAllBytes(Path.of(input));
        } catch (IOException e) {
            throw new UserError("cannot read image '" + input + "': " + e.getMessage());
        }
    }

    /** Files as given, folders walked for image files (by extension) in name order, '-' kept. */
    static List<String> expand(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            if (a.equals("-")) {
                out.add(a);
                continue;
            }
            Path p = Path.of(a);
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(ScoreCommand::isImage).map(Path::toString).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new UserError("cannot list folder '" + a + "': " + e.getMessage());
                }
            } else if (Files.exists(p)) {
                out.add(a);
            } else {
                throw new UserError("'" + a + "' does not exist (give image files, folders or -)");
            }
        }
        if (out.isEmpty()) {
            throw new UserError("no images found in " + args + " (looked for " + String.join(", ", IMAGE_EXTENSIONS.stream().sorted().toList()) + ")");
        }
        return out;
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
