package dev.genbench.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.genbench.console.UserError;
import dev.genbench.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment as SLURM jobs: an array job whose tasks fill one feature cache shard by shard
 * ({@code genbench cache-features --shard i/n}), then one job per window, each depending on the one
 * before ({@code afterok}). Every script is safe to requeue: the cache skips rows it holds, and a window
 * job resumes its window from the last checkpoint under the same experiment id, and does nothing when
 * the window is already done. {@code sbatch --signal=B:USR1@<seconds>} gives a window job time to save
 * and requeue itself before a pre-emption or its time limit.
 *
 * <p>Only plain {@code sbatch}, {@code squeue}, {@code sacct} and {@code scontrol} are used, through their
 * command lines. The scripts, and {@code jobs.json} with the job ids, live in the experiment's
 * {@code slurm} folder.
 */
public final class Slurm {
    private Slurm() {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String JOBS_FILE = "jobs.json";

    /**
     * What to submit.
     *
     * @param folder where the scripts and {@code jobs.json} go (the experiment's {@code slurm} folder)
     * @param genbench the launcher the jobs run
     * @param workDir the folder the jobs start in (relative paths of the configuration resolve there)
     * @param configArgs the {@code --config} and override arguments, as the user gave them
     * @param shards array tasks filling the feature cache; 0 leaves caching to the first window job
     * @param sbatchOptions extra {@code #SBATCH} options for every job ({@code --partition=gpu}, {@code --time=4:00:00})
     * @param signalSeconds how long before the end SLURM warns a window job with SIGUSR1
     */
    public record Plan(Path folder, Path genbench, Path workDir, List<String> configArgs, String experimentId, int windows,
                       int shards, List<String> sbatchOptions, int signalSeconds) {
        public Plan {
            configArgs = List.copyOf(configArgs);
            sbatchOptions = List.copyOf(sbatchOptions);
            if (windows < 1) {
                throw new IllegalArgumentException("an experiment has at least one window");
            }
        }
    }

    /** A submitted (or written) job. */
    public record Job(String name, String script, String jobId) {}

    /** Writes the scripts: {@code cache_features.sbatch} (when shards > 0), then {@code window_<k>.sbatch}; returns them in order. */
    public static List<Path> writeScripts(Plan plan) {
        List<Path> scripts = new ArrayList<>();
        if (plan.shards() > 0) {
            List<String> args = new ArrayList<>(List.of("cache-features"));
            args.addAll(plan.configArgs());
            args.add("--shard");
            args.add("${SLURM_ARRAY_TASK_ID}/" + plan.shards());
            Path script = plan.folder().resolve("cache_features.sbatch");
            AtomicFiles.writeString(script, script(plan, "genbench-" + plan.experimentId() + "-cache",
                    List.of("--array=0-" + (plan.shards() - 1), "--output=" + plan.folder().resolve("cache_features-%A_%a.out")),
                    args, "A requeued task skips the rows the cache already holds."));
            scripts.add(script);
        }
        for (int k = 0; k < plan.windows(); k++) {
            List<String> args = new ArrayList<>(List.of("fit"));
            args.addAll(plan.configArgs());
            args.add("--experiment_info.experiment_id=" + plan.experimentId());
            args.add("--experiment_info.sliding_windows_definition.current_window=" + k);
            Path script = plan.folder().resolve("window_" + k + ".sbatch");
            AtomicFiles.writeString(script, script(plan, "genbench-" + plan.experimentId() + "-w" + k,
                    List.of("--output=" + plan.folder().resolve("window_" + k + "-%j.out"), "--signal=B:USR1@" + plan.signalSeconds()),
                    args, "On SIGUSR1 genbench saves a checkpoint and requeues this job (scontrol requeue); the requeued\n"
                            + "# job resumes window " + k + " from that checkpoint, and does nothing if the window is done."));
            scripts.add(script);
        }
        return scripts;
    }

    private static String script(Plan plan, String name, List<String> options, List<String> args, String note) {
        var out = new StringBuilder("#!/bin/bash\n");
        out.append("#SBATCH --job-name=").append(name).append('\n');
        out.append("#SBATCH --chdir=").append(plan.workDir().toAbsolutePath()).append('\n');
        out.append("#SBATCH --open-mode=append\n");
        out.append("#SBATCH --requeue\n");
        for (String o : options) {
            out.append("#SBATCH ").append(o).append('\n');
        }
        for (String o : plan.sbatchOptions()) {
            out.append("#SBATCH ").append(o).append('\n');
        }
        out.append("# Written by `genbench slurm submit`. ").append(note).append('\n');
        out.append("exec ").append(quote(plan.genbench().toAbsolutePath().toString()));
        for (String a : args) {
            // ${SLURM_ARRAY_TASK_ID} must expand; everything else is passed literally.
            out.append(' ').append(a.contains("${SLURM_ARRAY_TASK_ID}") ? '"' + a + '"' : quote(a));
        }
        return out.append('\n').toString();
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * Submits the scripts in order, each window after the job before it has succeeded ({@code afterok}),
     * and records the jobs in {@code jobs.json}.
     */
    public static List<Job> submit(Plan plan, List<Path> scripts) {
        List<Job> jobs = new ArrayList<>();
        String previous = null;
        for (Path script : scripts) {
            List<String> argv = new ArrayList<>(List.of("sbatch", "--parsable"));
            if (previous != null) {
                argv.add("--dependency=afterok:" + previous);
            }
            argv.add(script.toString());
            String id = run(argv).trim();
            int semicolon = id.indexOf(';'); // --parsable prints "id;cluster" on multi-cluster setups
            id = semicolon < 0 ? id : id.substring(0, semicolon);
            String name = script.getFileName().toString().replace(".sbatch", "");
            jobs.add(new Job(name, script.toString(), id));
            previous = id;
            writeJobs(plan.folder(), plan.experimentId(), jobs);
        }
        return jobs;
    }

    private static void writeJobs(Path folder, String experimentId, List<Job> jobs) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("experiment_id", experimentId);
        doc.put("jobs", jobs);
        try {
            AtomicFiles.writeString(folder.resolve(JOBS_FILE), JSON.writeValueAsString(doc));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The jobs recorded in {@code <folder>/jobs.json}. */
    public static List<Job> readJobs(Path folder) {
        Path file = folder.resolve(JOBS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new UserError("no SLURM jobs recorded for this experiment ('" + file + "' is missing); submit them with"
                    + " `genbench slurm submit`");
        }
        try {
            var tree = JSON.readTree(file.toFile());
            List<Job> out = new ArrayList<>();
            for (var j : tree.get("jobs")) {
                out.add(new Job(j.get("name").asText(), j.get("script").asText(), j.get("jobId").asText()));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new UserError("cannot read '" + file + "' (" + e.getMessage() + ")");
        }
    }

    /**
     * Each job's state as SLURM reports it: {@code squeue} for jobs still queued or running (array tasks
     * summarised), else {@code sacct}, else {@code scontrol show job}; "unknown" when SLURM no longer knows it.
     */
    public static Map<String, String> states(List<Job> jobs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Job job : jobs) {
            out.put(job.jobId(), state(job.jobId()));
        }
        return out;
    }

    private static String state(String jobId) {
        String queued = tryRun(List.of("squeue", "-h", "-j", jobId, "-o", "%T")).strip();
        if (!queued.isEmpty()) {
            return summarise(queued.lines().toList());
        }
        String accounted = tryRun(List.of("sacct", "-n", "-X", "-P", "-j", jobId, "-o", "State")).strip();
        if (!accounted.isEmpty()) {
            return summarise(accounted.lines().map(l -> l.split(" ")[0]).toList());
        }
        String shown = tryRun(List.of("scontrol", "-o", "show", "job", jobId));
        var m = java.util.regex.Pattern.compile("JobState=(\\S+)").matcher(shown);
        List<String> states = new ArrayList<>();
        while (m.find()) {
            states.add(m.group(1));
        }
        return states.isEmpty() ? "unknown (no longer known to SLURM)" : summarise(states);
    }

    private static String summarise(List<String> states) {
        if (states.size() == 1) {
            return states.getFirst();
        }
        Map<String, Integer> counts = new java.util.TreeMap<>();
        states.forEach(s -> counts.merge(s, 1, Integer::sum));
        return counts.toString();
    }

    /** Asks SLURM to requeue a job (after a pre-emption warning); the job keeps its id. */
    public static void requeue(String jobId) {
        run(List.of("scontrol", "requeue", jobId));
    }

    private static String run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                throw new UserError("`" + String.join(" ", argv) + "` failed with status " + rc + ": " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new UserError("cannot run `" + argv.getFirst() + "` (" + e.getMessage() + "); run this on a machine with"
                    + " the SLURM client commands on PATH");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while running `" + String.join(" ", argv) + "`");
        }
    }

    private static String tryRun(List<String> argv) {
        try {
            return run(argv);
        } catch (UserError e) {
            return "";
        }
    }
}
