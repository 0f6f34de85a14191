package dev.genbench.config;

import dev.genbench.console.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@code --config} files and dotted overrides into a {@link LoadedConfig}: each layer is read,
 * normalised and merged over the previous ones, left to right; then the merged tree is bound onto
 * {@link GenbenchConfig}, which checks every key and type.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /**
     * @param lenient allow required values to be missing (for {@code --print_config} of a config that is
     *     still being assembled); unknown keys and wrong types are errors either way
     */
    public static LoadedConfig load(List<ConfigArgument> arguments, boolean lenient) {
        ConfigNode.MapNode tree = ConfigNode.MapNode.empty(Source.DEFAULT);
        for (ConfigArgument argument : arguments) {
            tree = switch (argument) {
                case ConfigArgument.File f ->
                        (ConfigNode.MapNode) ConfigMerge.merge(tree, ConfigMerge.normalize(Yaml.readFile(f.path())));
                case ConfigArgument.Override o -> applyOverride(tree, o);
            };
        }
        tree = disableLoggersWhenFalse(tree);
        ConfigBinder binder = new ConfigBinder(lenient);
        GenbenchConfig config = binder.bindRoot(GenbenchConfig.class, tree);
        List<String> warnings = new ArrayList<>(binder.warnings());
        warnings.addAll(ConfigReview.review(config));
        return new LoadedConfig(tree, config, warnings);
    }

    private static ConfigNode.MapNode applyOverride(ConfigNode.MapNode tree, ConfigArgument.Override o) {
        for (String segment : o.key()) {
            if (segment.isEmpty()) {
                throw new UserError("'" + o.argument() + "' is not a valid key; write keys as --section.key=value");
            }
        }
        ConfigNode value = ConfigNode.resourced(Yaml.parse(o.value(), "command line (" + o.argument() + ")"),
                Source.argument(o.argument()));
        return ConfigMerge.set(tree, o.key(), ConfigMerge.normalize(value));
    }

    /** {@code trainer.logger: false} means no loggers, as in Lightning. */
    private static ConfigNode.MapNode disableLoggersWhenFalse(ConfigNode.MapNode tree) {
        if (tree.get("trainer") instanceof ConfigNode.MapNode trainer
                && trainer.get("logger") instanceof ConfigNode.Scalar s && Boolean.FALSE.equals(s.value())) {
            return tree.with("trainer", trainer.with("logger", new ConfigNode.ListNode(List.of(), s.source())));
        }
        return tree;
    }
}
