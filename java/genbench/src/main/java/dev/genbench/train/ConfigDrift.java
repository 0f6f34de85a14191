package dev.genbench.train;

import dev.genbench.config.ConfigNode;
import dev.genbench.config.Yaml;
import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares the configuration a run resumes with against the one the experiment was started with (its
 * saved {@code fit_config.yaml}), key by key, so that a resumed run cannot silently mix two settings. Keys
 * that name where a run is rather than what it computes (the experiment id, the window, the logging offset,
 * the checkpoint folder) may differ.
 */
final class ConfigDrift {
    private ConfigDrift() {}

    /** Keys a resumed run may change: they say which run this is, not what it computes. */
    static final Set<String> RUN_IDENTITY = Set.of(
            "experiment_info.experiment_id",
            "experiment_info.sliding_windows_definition.current_window",
            "experiment_info.logging_initial_step",
            "checkpoint_callback.dirpath",
            "ckpt_path");

    /** Dotted keys whose values differ between two YAML texts of full configurations, each with both values. */
    static List<String> differences(String savedYaml, String currentYaml) {
        Map<String, String> saved = flatten(Yaml.parse(savedYaml, "saved configuration"));
        Map<String, String> current = flatten(Yaml.parse(currentYaml, "current configuration"));
        Set<String> keys = new TreeSet<>(saved.keySet());
        keys.addAll(current.keySet());
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            if (RUN_IDENTITY.contains(key)) {
                continue;
            }
            String was = saved.get(key);
            String now = current.get(key);
            if (!Objects.equals(was, now)) {
                out.add(key + " (was " + was + ", now " + now + ")");
            }
        }
        return out;
    }

    /** SHA-256 (hex) of the configuration without the run-identity keys: equal for configurations a resume accepts. */
    static String hash(String yaml) {
        Map<String, String> flat = flatten(Yaml.parse(yaml, "configuration"));
        RUN_IDENTITY.forEach(flat::remove);
        try {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(digest.digest(flat.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Refuses to continue when the configuration differs from the saved one, unless {@code force}.
     *
     * @param saved the experiment's saved {@code fit_config.yaml}, or a path that does not exist (nothing to compare)
     */
    static void check(Path saved, String currentYaml, boolean force) {
        if (!Files.isRegularFile(saved)) {
            return;
        }
        String text;
        try {
            text = Files.readString(saved);
        } catch (IOException e) {
            throw new UserError("cannot read the saved configuration '" + saved + "' (" + e.getMessage() + ")");
        }
        List<String> differing = differences(text, currentYaml);
        if (differing.isEmpty()) {
            return;
        }
        String list = String.join("; ", differing);
        if (force) {
            dev.genbench.console.Log.warn("resuming with a configuration that differs from '%s' (--force): %s", saved, list);
            return;
        }
        throw new UserError("the configuration differs from the one this experiment was run with ('" + saved + "'): " + list
                + ". Run with the same configuration, start a new experiment id, or add --force to resume anyway");
    }

    private static Map<String, String> flatten(ConfigNode node) {
        Map<String, String> out = new TreeMap<>();
        flatten("", node, out);
        return out;
    }

    private static void flatten(String prefix, ConfigNode node, Map<String, String> out) {
        switch (node) {
            case ConfigNode.MapNode m -> m.entries().forEach((k, v) -> flatten(prefix.isEmpty() ? k : prefix + "." + k, v, out));
            case ConfigNode.ListNode l -> {
                for (int i = 0; i < l.items().size(); i++) {
                    flatten(prefix + "[" + i + "]", l.items().get(i), out);
                }
                if (l.items().isEmpty()) {
                    out.put(prefix, "[]");
                }
            }
            case ConfigNode.Scalar s -> out.put(prefix, String.valueOf(s.toPlain()));
        }
    }
}
