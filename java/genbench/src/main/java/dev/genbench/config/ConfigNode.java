package dev.genbench.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The untyped configuration tree as YAML gives it, with the source of every value. Layers (files and
 * command-line overrides) are merged as trees; typed records are bound from the merged tree at the end.
 * Immutable.
 */
public sealed interface ConfigNode permits ConfigNode.MapNode, ConfigNode.ListNode, ConfigNode.Scalar {

    Source source();

    /** The value as plain Java objects (LinkedHashMap, ArrayList, Long, Double, Boolean, String, null). */
    Object toPlain();

    record MapNode(Map<String, ConfigNode> entries, Source source) implements ConfigNode {
        public MapNode {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public static MapNode empty(Source source) {
            return new MapNode(Map.of(), source);
        }

        public ConfigNode get(String key) {
            return entries.get(key);
        }

        public MapNode with(String key, ConfigNode value) {
            var copy = new LinkedHashMap<>(entries);
            copy.put(key, value);
            return new MapNode(copy, source);
        }

        public MapNode without(String key) {
            var copy = new LinkedHashMap<>(entries);
            copy.remove(key);
            return new MapNode(copy, source);
        }

        @Override
        public Object toPlain() {
            var out = new LinkedHashMap<String, Object>();
            entries.forEach((k, v) -> out.put(k, v.toPlain()));
            return out;
        }
    }

    record ListNode(List<ConfigNode> items, Source source) implements ConfigNode {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public Object toPlain() {
            var out = new ArrayList<Object>(items.size());
            items.forEach(v -> out.add(v.toPlain()));
            return out;
        }
    }

    /**
     * A scalar: {@code value} is null, a Boolean, a Long, a Double or a String as YAML 1.2's core schema
     * resolves it; {@code text} is what was written, so that a quoted "1" can still become a string.
     */
    record Scalar(Object value, String text, Source source) implements ConfigNode {
        public static Scalar of(Object value, Source source) {
            return new Scalar(value, value == null ? "null" : String.valueOf(value), source);
        }

        public boolean isNull() {
            return value == null;
        }

        @Override
        public Object toPlain() {
            return value;
        }
    }

    /** The same tree with every node attributed to {@code source} (for values typed on the command line). */
    static ConfigNode resourced(ConfigNode node, Source source) {
        return switch (node) {
            case MapNode m -> {
                var entries = new LinkedHashMap<String, ConfigNode>();
                m.entries().forEach((k, v) -> entries.put(k, resourced(v, source)));
                yield new MapNode(entries, source);
            }
            case ListNode l -> new ListNode(l.items().stream().map(v -> resourced(v, source)).toList(), source);
            case Scalar s -> new Scalar(s.value(), s.text(), source);
        };
    }

    /** Builds a tree from plain Java values (maps, lists, scalars), all with one source. */
    static ConfigNode fromPlain(Object value, Source source) {
        if (value instanceof Map<?, ?> map) {
            var entries = new LinkedHashMap<String, ConfigNode>();
            map.forEach((k, v) -> entries.put(String.valueOf(k), fromPlain(v, source)));
            return new MapNode(entries, source);
        }
        if (value instanceof List<?> list) {
            var items = new ArrayList<ConfigNode>(list.size());
            list.forEach(v -> items.add(fromPlain(v, source)));
            return new ListNode(items, source);
        }
        if (value instanceof Integer i) {
            return Scalar.of(i.longValue(), source);
        }
        if (value instanceof Float f) {
            return Scalar.of(f.doubleValue(), source);
        }
        if (value instanceof java.nio.file.Path p) {
            return Scalar.of(p.toString(), source);
        }
        return Scalar.of(value, source);
    }
}
