package dev.genbench.config;

import dev.genbench.console.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * YAML in and out. Reading composes the node graph (not plain objects) so that every value keeps its
 * file and line for error messages; scalars are resolved with YAML 1.2's core schema.
 */
public final class Yaml {
    private Yaml() {}

    /** Reads a config file whose top level is a mapping; an empty file is an empty mapping. */
    public static ConfigNode.MapNode readFile(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new UserError("config file '" + path + "' does not exist; check the path given to --config");
        } catch (IOException e) {
            throw new UserError("config file '" + path + "' cannot be read (" + e.getMessage() + ")");
        }
        ConfigNode root = parse(text, path.toString());
        if (root instanceof ConfigNode.Scalar s && s.isNull()) {
            return ConfigNode.MapNode.empty(Source.file(path.toString(), 1));
        }
        if (!(root instanceof ConfigNode.MapNode map)) {
            throw new UserError(root.source() + ": a config file must hold a mapping of keys at its top level");
        }
        return map;
    }

    /** Parses one YAML document; {@code origin} names it in errors. An empty document is a null scalar. */
    public static ConfigNode parse(String text, String origin) {
        LoadSettings settings = LoadSettings.builder()
                .setSchema(new CoreSchema())
                .setLabel(origin)
                .setAllowDuplicateKeys(false)
                .build();
        try {
            Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text)));
            Optional<Node> node = composer.getSingleNode();
            return node.map(n -> convert(n, origin, null)).orElse(ConfigNode.Scalar.of(null, Source.file(origin, 1)));
        } catch (YamlEngineException e) {
            throw new UserError(origin + ": not valid YAML: " + oneLine(e.getMessage()));
        }
    }

    /** {@code keySource} is the line of the key holding this node: errors about a block point there. */
    private static ConfigNode convert(Node node, String origin, Source keySource) {
        Source source = keySource != null && !(node instanceof ScalarNode)
                ? keySource
                : Source.file(origin, node.getStartMark().map(Mark::getLine).orElse(-1) + 1);
        return switch (node) {
            case MappingNode m -> {
                var entries = new LinkedHashMap<String, ConfigNode>();
                for (NodeTuple t : m.getValue()) {
                    if (!(t.getKeyNode() instanceof ScalarNode key)) {
                        throw new UserError(source + ": mapping keys must be plain strings");
                    }
                    Source keyLine = Source.file(origin, key.getStartMark().map(Mark::getLine).orElse(-1) + 1);
                    entries.put(key.getValue(), convert(t.getValueNode(), origin, keyLine));
                }
                yield new ConfigNode.MapNode(entries, source);
            }
            case SequenceNode s -> {
                var items = new ArrayList<ConfigNode>();
                for (Node item : s.getValue()) {
                    items.add(convert(item, origin, null));
                }
                yield new ConfigNode.ListNode(items, source);
            }
            case ScalarNode s -> new ConfigNode.Scalar(scalarValue(s, source), s.getValue(), source);
            default -> throw new UserError(source + ": unsupported YAML node (anchors and aliases are fine, custom tags are not)");
        };
    }

    private static Object scalarValue(ScalarNode s, Source source) {
        Tag tag = s.getTag();
        String v = s.getValue();
        try {
            if (Tag.NULL.equals(tag)) {
                return null;
            }
            if (Tag.BOOL.equals(tag)) {
                return Boolean.parseBoolean(v.toLowerCase(java.util.Locale.ROOT));
            }
            if (Tag.INT.equals(tag)) {
                String digits = v.startsWith("+") ? v.substring(1) : v;
                if (digits.startsWith("0x")) {
                    return Long.parseLong(digits.substring(2), 16);
                }
                if (digits.startsWith("0o")) {
                    return Long.parseLong(digits.substring(2), 8);
                }
                return Long.parseLong(digits);
            }
            if (Tag.FLOAT.equals(tag)) {
                return switch (v.toLowerCase(java.util.Locale.ROOT)) {
                    case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
                    case "-.inf" -> Double.NEGATIVE_INFINITY;
                    case ".nan" -> Double.NaN;
                    default -> Double.parseDouble(v);
                };
            }
        } catch (NumberFormatException e) {
            throw new UserError(source + ": '" + v + "' is not a valid number");
        }
        return v;
    }

    /** Writes plain values (maps, lists, scalars) as block-style YAML. */
    public static String write(Object plain) {
        DumpSettings settings = DumpSettings.builder()
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .setIndent(2)
                .setIndicatorIndent(2)
                .setIndentWithIndicator(true)
                .setWidth(120)
                .build();
        return new Dump(settings).dumpToString(stringKeys(plain));
    }

    private static Object stringKeys(Object plain) {
        if (plain instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), stringKeys(v)));
            return out;
        }
        if (plain instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(stringKeys(v)));
            return out;
        }
        return plain;
    }

    private static String oneLine(String message) {
        return message == null ? "syntax error" : message.replaceAll("\\s+", " ").trim();
    }
}
