package dev.genbench.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * How configuration layers combine, as LightningCLI (jsonargparse) combines them: mappings merge key by
 * key, later layers win, lists are replaced, except a list of components ({@code class_path} entries)
 * that a later layer gives as entries without {@code class_path}: those merge into the earlier entries
 * by position. That is how the original's model YAMLs set the TensorBoard {@code save_dir} of the
 * pipeline's first logger (SPEC §10).
 */
public final class ConfigMerge {
    static final String CLASS_PATH = "class_path";
    static final String INIT_ARGS = "init_args";
    private static final Set<String> COMPONENT_KEYS = Set.of(CLASS_PATH, INIT_ARGS, "dict_kwargs");

    private ConfigMerge() {}

    public static ConfigNode merge(ConfigNode base, ConfigNode overlay) {
        if (base instanceof ConfigNode.MapNode b && overlay instanceof ConfigNode.MapNode o) {
            return mergeMaps(b, o);
        }
        if (base instanceof ConfigNode.ListNode b && overlay instanceof ConfigNode.ListNode o && mergesByPosition(b, o)) {
            List<ConfigNode> items = new ArrayList<>(b.items());
            for (int i = 0; i < o.items().size(); i++) {
                if (i < items.size()) {
                    items.set(i, merge(items.get(i), o.items().get(i)));
                } else {
                    items.add(o.items().get(i)); // binding reports its missing class_path
                }
            }
            return new ConfigNode.ListNode(items, o.source());
        }
        return overlay;
    }

    private static ConfigNode.MapNode mergeMaps(ConfigNode.MapNode base, ConfigNode.MapNode overlay) {
        if (isComponent(base)) {
            ConfigNode newClass = overlay.get(CLASS_PATH);
            if (newClass != null && !newClass.toPlain().equals(base.get(CLASS_PATH).toPlain())) {
                // Another class: its arguments are another set, so nothing of the old one carries over.
                return overlay;
            }
            overlay = liftIntoInitArgs(overlay);
        }
        var entries = new LinkedHashMap<>(base.entries());
        overlay.entries().forEach((key, value) -> {
            ConfigNode old = entries.get(key);
            entries.put(key, old == null ? value : merge(old, value));
        });
        return new ConfigNode.MapNode(entries, base.source());
    }

    /** Moves keys given directly under a component (jsonargparse's shorthand) into its {@code init_args}. */
    static ConfigNode.MapNode liftIntoInitArgs(ConfigNode.MapNode node) {
        var stray = new LinkedHashMap<String, ConfigNode>();
        node.entries().forEach((k, v) -> {
            if (!COMPONENT_KEYS.contains(k)) {
                stray.put(k, v);
            }
        });
        if (stray.isEmpty()) {
            return node;
        }
        ConfigNode.MapNode result = node;
        for (String k : stray.keySet()) {
            result = result.without(k);
        }
        var lifted = new ConfigNode.MapNode(stray, node.source());
        ConfigNode existing = result.get(INIT_ARGS);
        return result.with(INIT_ARGS, existing == null ? lifted : merge(existing, lifted));
    }

    /** Applies {@link #liftIntoInitArgs} to every component of a tree read from one file. */
    public static ConfigNode normalize(ConfigNode node) {
        return switch (node) {
            case ConfigNode.MapNode m -> {
                var entries = new LinkedHashMap<String, ConfigNode>();
                m.entries().forEach((k, v) -> entries.put(k, normalize(v)));
                var rebuilt = new ConfigNode.MapNode(entries, m.source());
                yield isComponent(rebuilt) ? liftIntoInitArgs(rebuilt) : rebuilt;
            }
            case ConfigNode.ListNode l -> new ConfigNode.ListNode(l.items().stream().map(ConfigMerge::normalize).toList(), l.source());
            case ConfigNode.Scalar s -> s;
        };
    }

    /**
     * Sets a dotted key ({@code trainer.max_epochs}) on {@code root}, merging a mapping value into what is
     * there and replacing anything else. A key under a component may skip {@code init_args}
     * ({@code --model.base_weights}), as jsonargparse allows.
     */
    public static ConfigNode.MapNode set(ConfigNode.MapNode root, List<String> path, ConfigNode value) {
        List<String> full = new ArrayList<>();
        ConfigNode cursor = root;
        for (String segment : path) {
            if (cursor instanceof ConfigNode.MapNode m && isComponent(m) && !COMPONENT_KEYS.contains(segment)) {
                full.add(INIT_ARGS);
                cursor = m.get(INIT_ARGS);
            }
            full.add(segment);
            cursor = cursor instanceof ConfigNode.MapNode m ? m.get(segment) : null;
        }
        ConfigNode overlay = value;
        for (int i = full.size() - 1; i >= 0; i--) {
            var entries = new LinkedHashMap<String, ConfigNode>();
            entries.put(full.get(i), overlay);
            overlay = new ConfigNode.MapNode(entries, value.source());
        }
        return (ConfigNode.MapNode) merge(root, overlay);
    }

    static boolean isComponent(ConfigNode node) {
        return node instanceof ConfigNode.MapNode m && m.get(CLASS_PATH) instanceof ConfigNode.Scalar s && s.value() != null;
    }

    private static boolean mergesByPosition(ConfigNode.ListNode base, ConfigNode.ListNode overlay) {
        if (overlay.items().isEmpty() || !base.items().stream().allMatch(ConfigMerge::isComponent)) {
            return false;
        }
        return overlay.items().stream().allMatch(i -> i instanceof ConfigNode.MapNode m && m.get(CLASS_PATH) == null);
    }
}
