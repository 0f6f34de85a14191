package dev.genbench.report;

import dev.genbench.console.UserError;
import dev.genbench.io.TensorBoardEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Training throughput of one experiment over its logged steps, for the report's throughput chart.
 *
 * @param points ascending by step
 */
public record Throughput(String experiment, List<Point> points) {
    /** The scalar tag the trainer logs its training throughput under. */
    public static final String TAG = "train_images_per_sec";

    public record Point(long step, double wallTime, double imagesPerSecond) {}

    public Throughput {
        points = List.copyOf(points);
    }

    /**
     * Collects every {@code tag} scalar from the event files under {@code logDir} (all window folders),
     * ordered by step. An experiment without such scalars yields no points.
     */
    public static Throughput fromLogs(String experiment, Path logDir, String tag) {
        var points = new ArrayList<Point>();
        if (Files.isDirectory(logDir)) {
            try (var files = Files.walk(logDir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList()) {
                    for (TensorBoardEvents.Scalar s : TensorBoardEvents.readScalars(f)) {
                        if (s.tag().equals(tag)) {
                            points.add(new Point(s.step(), s.wallTime(), s.value()));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UserError("Cannot list TensorBoard logs under " + logDir + " (" + e.getMessage() + ").", e);
            }
        }
        points.sort(Comparator.comparingLong(Point::step).thenComparingDouble(Point::wallTime));
        return new Throughput(experiment, points);
    }
}
