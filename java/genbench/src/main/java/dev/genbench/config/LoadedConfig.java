package dev.genbench.config;

import java.util.List;

/**
 * A merged and validated configuration.
 *
 * @param tree the merged layers as written (sources kept), before defaults
 * @param config the typed configuration, defaults filled in
 * @param warnings what the user should know (unsupported components, settings genbench ignores)
 */
public record LoadedConfig(ConfigNode.MapNode tree, GenbenchConfig config, List<String> warnings) {

    public LoadedConfig {
        warnings = List.copyOf(warnings);
    }

    /** The full configuration as YAML, every key with its value: what --print_config prints and runs save. */
    public String toYaml() {
        return toYaml(config);
    }

    public static String toYaml(GenbenchConfig config) {
        return Yaml.write(ConfigBinder.toPlain(config));
    }
}
