package dev.genbench.train;

import dev.genbench.config.ConfigBinder;
import dev.genbench.config.ExperimentId;
import dev.genbench.config.ExperimentInfo;
import dev.genbench.config.LoggerConfig;
import dev.genbench.config.Yaml;
import dev.genbench.console.UserError;
import dev.genbench.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The folders of one experiment, exactly as the original lays them out (SPEC §4.2, §4.5):
 * {@code <experiments_data>/<prefix><id>/window_<k>/{checkpoints/, done, step_tracker, *_config.yaml,
 * experiment_parameters.yaml, predictions_*.npz}} and TensorBoard logs under
 * {@code <save_dir>/<prefix><id>/window_<k>/}. Also decides which window a {@code fit} runs and which
 * windows an evaluation covers (SPEC §4.3, §4.4). Immutable; the file operations are atomic.
 */
public record ExperimentLayout(Path dataFolder, String experimentPrefix, String windowPrefix, ExperimentId id) {

    private static final Pattern STEP = Pattern.compile("step=(\\d+)");
    private static final Pattern VERSION = Pattern.compile("-v(\\d+)\\.ckpt$");

    public static ExperimentLayout of(ExperimentInfo info, ExperimentId id) {
        return new ExperimentLayout(info.experimentsDataFolder(), info.experimentNamePrefix(), info.windowNamePrefix(), id);
    }

    // ---------------------------------------------------------------- experiment id

    /**
     * The experiment id: the configured one; else under SLURM the job id ({@code <array job>_<task>} for
     * array jobs); else one more than the highest numbered experiment folder, or 0 (SPEC §4.2).
     */
    public static ExperimentId resolveId(ExperimentInfo info, Map<String, String> environment) {
        if (info.experimentId() != null) {
            return info.experimentId();
        }
        Optional<String> slurm = slurmJobId(environment);
        if (slurm.isPresent()) {
            return ExperimentId.of(slurm.get());
        }
        return ExperimentId.of(nextNumericId(info.experimentsDataFolder(), info.experimentNamePrefix()));
    }

    /**
     * The SLURM job id when running as a SLURM batch job, as Lightning detects it: {@code SLURM_NTASKS}
     * is set and the job is not an interactive shell.
     */
    static Optional<String> slurmJobId(Map<String, String> env) {
        if (env.get("SLURM_NTASKS") == null) {
            return Optional.empty();
        }
        String jobName = env.getOrDefault("SLURM_JOB_NAME", "");
        if (jobName.equals("bash") || jobName.equals("interactive")) {
            return Optional.empty();
        }
        String arrayJob = env.get("SLURM_ARRAY_JOB_ID");
        String arrayTask = env.get("SLURM_ARRAY_TASK_ID");
        if (arrayJob != null && arrayTask != null) {
            return Optional.of(arrayJob + "_" + arrayTask);
        }
        return Optional.ofNullable(env.get("SLURM_JOB_ID"));
    }

    /**
     * Max + 1 over folders named {@code <prefix>N}; the number is the text after the first {@code _}, as
     * the original parses it, so custom prefixes should keep their only underscore at the end.
     */
    static long nextNumericId(Path dataFolder, String prefix) {
        if (!Files.isDirectory(dataFolder)) {
            return 0;
        }
        long max = -1;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataFolder, p -> Files.isDirectory(p))) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                OptionalInt n = numberAfterFirstUnderscore(name);
                if (name.startsWith(prefix) && n.isPresent()) {
                    max = Math.max(max, n.getAsInt());
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot list experiments folder '" + dataFolder + "' (" + e.getMessage() + ")");
        }
        return max + 1;
    }

    private static OptionalInt numberAfterFirstUnderscore(String name) {
        int underscore = name.indexOf('_');
        if (underscore < 0) {
            return OptionalInt.empty();
        }
        String rest = name.substring(underscore + 1);
        if (rest.isEmpty() || !rest.chars().allMatch(Character::isDigit) || rest.length() > 9) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(rest));
    }

    // ---------------------------------------------------------------- folders

    public String experimentName() {
        return experimentPrefix + id.text();
    }

    public Path experimentFolder() {
        return dataFolder.resolve(experimentName());
    }

    public String windowName(int window) {
        return windowPrefix + window;
    }

    public Path windowFolder(int window) {
        return experimentFolder().resolve(windowName(window));
    }

    public Path checkpointsFolder(int window) {
        return windowFolder(window).resolve("checkpoints");
    }

    /** TensorBoard folder of a window: {@code <save_dir>/<experiment name>/<window name>} (SPEC §4.5). */
    public Path logFolder(Path tensorBoardSaveDir, int window) {
        return tensorBoardSaveDir.resolve(experimentName()).resolve(windowName(window));
    }

    public boolean isDone(int window) {
        return Files.exists(windowFolder(window).resolve("done"));
    }

    /** Window indices that have a folder, highest first. */
    public List<Integer> existingWindows() {
        List<Integer> out = new ArrayList<>();
        Path folder = experimentFolder();
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(folder, p -> Files.isDirectory(p))) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                OptionalInt n = numberAfterFirstUnderscore(name);
                if (name.startsWith(windowPrefix) && n.isPresent()) {
                    out.add(n.getAsInt());
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot list experiment folder '" + folder + "' (" + e.getMessage() + ")");
        }
        out.sort(Comparator.reverseOrder());
        return out;
    }

    /**
     * The latest checkpoint of a window: the {@code *.ckpt} with the highest {@code step=} in its name,
     * then the highest {@code -v<n>} version (the original takes the newest ctime, which a copy or restore
     * can reorder: SPEC §12 item 20).
     */
    public Optional<Path> latestCheckpoint(int window) {
        return checkpointsNewestFirst(checkpointsFolder(window)).stream().findFirst();
    }

    /** The {@code *.ckpt} files of a folder, newest (highest step, then version) first; empty when there is no folder. */
    public static List<Path> checkpointsNewestFirst(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Path> checkpoints = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.ckpt")) {
            files.forEach(checkpoints::add);
        } catch (IOException e) {
            throw new UserError("cannot list checkpoints folder '" + folder + "' (" + e.getMessage() + ")");
        }
        checkpoints.sort(Comparator.comparingLong((Path p) -> numberAfter(STEP, p)).thenComparingLong(p -> numberAfter(VERSION, p))
                .thenComparing(p -> p.getFileName().toString()).reversed());
        return checkpoints;
    }

    private static long numberAfter(Pattern pattern, Path checkpoint) {
        Matcher m = pattern.matcher(checkpoint.getFileName().toString());
        long n = -1;
        while (m.find()) {
            n = Long.parseLong(m.group(1));
        }
        return n;
    }

    // ---------------------------------------------------------------- which window runs

    /**
     * What {@code fit} does next (SPEC §4.3).
     *
     * @param window the window to train
     * @param resumeFrom a checkpoint of this window to resume with its full state, or empty
     * @param baseWeights the previous window's last checkpoint, whose weights start this window, or empty
     */
    public record TrainingStep(int window, Optional<Path> resumeFrom, Optional<Path> baseWeights) {}

    /**
     * Decides which window {@code fit} trains. With {@code currentWindow} null the highest existing
     * window folder k decides: done → k+1 from k's weights; a checkpoint → resume k; neither → start k
     * from k−1's weights (or from scratch for k = 0).
     */
    public TrainingStep nextTrainingStep(Integer currentWindow) {
        int k = currentWindow != null ? currentWindow : existingWindows().stream().findFirst().orElse(0);
        Optional<Path> latest = latestCheckpoint(k);
        if (isDone(k)) {
            Path weights = latest.orElseThrow(() -> new UserError("window folder '" + windowFolder(k)
                    + "' is marked done but holds no checkpoint; restore its checkpoints folder or delete its 'done' file"));
            return new TrainingStep(k + 1, Optional.empty(), Optional.of(weights));
        }
        if (latest.isPresent()) {
            return new TrainingStep(k, latest, Optional.empty());
        }
        if (k == 0) {
            return new TrainingStep(0, Optional.empty(), Optional.empty());
        }
        Path previous = latestCheckpoint(k - 1).orElseThrow(() -> new UserError("window folder '" + windowFolder(k)
                + "' exists but neither it nor window " + (k - 1) + " has a checkpoint; check the experiment folder '"
                + experimentFolder() + "'"));
        return new TrainingStep(k, Optional.empty(), Optional.of(previous));
    }

    /**
     * The windows {@code validate}/{@code test} evaluate when no window is given: 0..n−1 over the
     * completed windows, which must be contiguous from 0 (SPEC §4.4).
     */
    public List<Integer> completedWindows() {
        List<Integer> done = existingWindows().stream().filter(this::isDone).sorted().toList();
        for (int i = 0; i < done.size(); i++) {
            if (done.get(i) != i) {
                throw new UserError("experiment '" + experimentFolder() + "' has completed windows " + done
                        + ", which are not contiguous from window 0; evaluate single windows with"
                        + " --experiment_info.sliding_windows_definition.current_window K");
            }
        }
        return done;
    }

    // ---------------------------------------------------------------- files

    /** Creates the window folder and its checkpoints folder. */
    public Path createWindow(int window) {
        try {
            Files.createDirectories(checkpointsFolder(window));
            return windowFolder(window);
        } catch (IOException e) {
            throw new UserError("cannot create window folder '" + windowFolder(window) + "' (" + e.getMessage() + ")");
        }
    }

    /** Saves the resolved configuration as {@code <subcommand>_config.yaml} in the window folder, replacing any earlier one. */
    public Path saveConfig(int window, String subcommand, String yaml) {
        return writeAtomically(windowFolder(window).resolve(subcommand + "_config.yaml"), yaml);
    }

    /** The newest saved {@code <subcommand>_config.yaml} of the experiment: that of the highest window that has one. */
    public Optional<Path> latestSavedConfig(String subcommand) {
        for (int k : existingWindows()) {
            Path file = windowFolder(k).resolve(subcommand + "_config.yaml");
            if (Files.isRegularFile(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /** Marks a window complete: {@code step_tracker} holds the logging step reached, then the empty {@code done} file. */
    public void markDone(int window, long loggingInitialStep, long globalStep) {
        writeAtomically(windowFolder(window).resolve("step_tracker"), Long.toString(loggingInitialStep + globalStep));
        writeAtomically(windowFolder(window).resolve("done"), "");
    }

    /** The logging step offset of a window: 0 for window 0, else the previous window's {@code step_tracker} (SPEC §4.5). */
    public long loggingInitialStep(int window) {
        if (window == 0) {
            return 0;
        }
        Path tracker = windowFolder(window - 1).resolve("step_tracker");
        try {
            return Long.parseLong(Files.readString(tracker).trim());
        } catch (IOException | NumberFormatException e) {
            throw new UserError("cannot read the step tracker '" + tracker + "' of the previous window (" + e.getMessage()
                    + "); set --experiment_info.logging_initial_step explicitly");
        }
    }

    /**
     * The loggers of a window run: TensorBoard's name and version become the experiment and window
     * names, so its events land in {@link #logFolder}; other loggers are kept as configured.
     */
    public List<LoggerConfig> windowLoggers(List<LoggerConfig> configured, int window) {
        List<LoggerConfig> out = new ArrayList<>();
        for (LoggerConfig logger : configured == null ? List.<LoggerConfig>of() : configured) {
            out.add(switch (logger) {
                case LoggerConfig.TensorBoard tb -> new LoggerConfig.TensorBoard(tb.classPath(), tb.saveDir(), experimentName(),
                        windowName(window), tb.logGraph(), tb.defaultHpMetric(), tb.prefix(), tb.subDir());
                case LoggerConfig.Unsupported u -> u;
            });
        }
        return out;
    }

    /**
     * Writes {@code experiment_parameters.yaml}: what a resumed run re-applies as one more
     * {@code --config} (SPEC §4.5): the window's loggers, the window, the experiment id, the logging
     * offset and the checkpoint folder.
     */
    public Path saveExperimentParameters(int window, long loggingInitialStep, List<LoggerConfig> configuredLoggers) {
        Map<String, Object> experimentInfo = new LinkedHashMap<>();
        experimentInfo.put("sliding_windows_definition", Map.of("current_window", (long) window));
        experimentInfo.put("experiment_id", id.toYaml());
        experimentInfo.put("logging_initial_step", loggingInitialStep);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("trainer", Map.of("logger", ConfigBinder.toPlain(windowLoggers(configuredLoggers, window))));
        parameters.put("experiment_info", experimentInfo);
        parameters.put("checkpoint_callback", Map.of("dirpath", checkpointsFolder(window).toString()));
        return writeAtomically(experimentParametersFile(window), Yaml.write(parameters));
    }

    public Path experimentParametersFile(int window) {
        return windowFolder(window).resolve("experiment_parameters.yaml");
    }

    private static Path writeAtomically(Path target, String text) {
        AtomicFiles.writeString(target, text);
        return target;
    }
}
