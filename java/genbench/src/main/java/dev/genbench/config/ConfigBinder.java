package dev.genbench.config;

import dev.genbench.console.UserError;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds a merged {@link ConfigNode} tree onto the typed config records, and turns records back into
 * plain YAML values. The records are the schema: a component {@code maxEpochs} is the YAML key
 * {@code max_epochs}; {@link Default} and {@link Nullable} give defaults; {@link Component} records take
 * {@code class_path}/{@code init_args}. Every error names the source (file:line) and the dotted key.
 *
 * <p>Written by hand rather than with a general data binder because the errors must name YAML lines and
 * suggest keys, and components must be chosen by {@code class_path} as LightningCLI does.
 */
public final class ConfigBinder {
    private final boolean lenient;
    private final Set<String> warnings = new LinkedHashSet<>();

    /**
     * @param lenient leave required values that nobody set as null instead of failing (for printing a
     *     config that is not complete yet)
     */
    public ConfigBinder(boolean lenient) {
        this.lenient = lenient;
    }

    /** Warnings collected while binding (unsupported components), each once, in order. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public <T extends Record> T bindRoot(Class<T> type, ConfigNode.MapNode root) {
        return type.cast(bindRecord(type, root, ""));
    }

    // ---------------------------------------------------------------- binding

    private Object bind(Type type, ConfigNode node, String key) {
        Class<?> raw = rawClass(type);
        if (node instanceof ConfigNode.Scalar s && s.isNull()) {
            return null; // nullability is checked by the caller, which knows the component
        }
        if (Component.class.isAssignableFrom(raw)) {
            return bindComponent(raw, node, key);
        }
        if (raw.isRecord() && !YamlValue.class.isAssignableFrom(raw)) {
            return bindRecord(raw, node, key);
        }
        if (raw == List.class) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            if (!(node instanceof ConfigNode.ListNode list)) {
                throw typeError(node, key, "a list");
            }
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < list.items().size(); i++) {
                out.add(bind(element, list.items().get(i), key + "[" + i + "]"));
            }
            return List.copyOf(out);
        }
        if (raw == Map.class) {
            if (!(node instanceof ConfigNode.MapNode map)) {
                throw typeError(node, key, "a mapping");
            }
            return map.toPlain();
        }
        if (YamlValue.class.isAssignableFrom(raw)) {
            return bindYamlValue(raw, node, key);
        }
        if (!(node instanceof ConfigNode.Scalar scalar)) {
            throw typeError(node, key, describe(raw));
        }
        return bindScalar(raw, scalar, key);
    }

    private Object bindScalar(Class<?> raw, ConfigNode.Scalar s, String key) {
        Object v = s.value();
        if (raw == String.class) {
            return s.text();
        }
        if (raw == Path.class) {
            if (!(v instanceof String)) {
                throw typeError(s, key, "a path");
            }
            return Path.of(s.text());
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            Long n = asLong(v);
            if (n == null) {
                throw typeError(s, key, "an integer");
            }
            if ((raw == int.class || raw == Integer.class) && (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE)) {
                throw typeError(s, key, "an integer that fits in 32 bits");
            }
            return raw == int.class || raw == Integer.class ? (Object) n.intValue() : n;
        }
        if (raw == double.class || raw == Double.class) {
            Double d = asDouble(v);
            if (d == null) {
                throw typeError(s, key, "a number");
            }
            return d;
        }
        if (raw == Number.class) {
            if (v instanceof Long || v instanceof Double) {
                return v;
            }
            Long n = asLong(v);
            if (n != null) {
                return n;
            }
            Double d = asDouble(v);
            if (d == null) {
                throw typeError(s, key, "a number");
            }
            return d;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (v instanceof Boolean b) {
                return b;
            }
            if (v instanceof String str && (str.equalsIgnoreCase("true") || str.equalsIgnoreCase("false"))) {
                return Boolean.parseBoolean(str);
            }
            throw typeError(s, key, "true or false");
        }
        if (raw.isEnum()) {
            return bindEnum(raw, s, key);
        }
        if (raw == Object.class) {
            return v;
        }
        throw new IllegalStateException("config type " + raw.getName() + " of " + key + " has no binding");
    }

    private Object bindEnum(Class<?> raw, ConfigNode.Scalar s, String key) {
        Object[] constants = raw.getEnumConstants();
        List<String> spellings = new ArrayList<>();
        for (Object c : constants) {
            String spelling = enumSpelling(c);
            if (spelling.equals(s.text())) {
                return c;
            }
            spellings.add(spelling);
        }
        String hint = Suggest.nearest(s.text(), spellings).map(n -> "; did you mean '" + n + "'?").orElse("");
        throw new UserError(s.source() + ": " + key + " must be one of " + String.join(", ", spellings)
                + ", got '" + s.text() + "'" + hint);
    }

    private Object bindYamlValue(Class<?> raw, ConfigNode node, String key) {
        try {
            Method from = raw.getMethod("fromYaml", Object.class);
            return from.invoke(null, node.toPlain());
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                throw new UserError(node.source() + ": " + key + " must be " + bad.getMessage() + ", got " + shown(node));
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(raw.getName() + " needs a public static fromYaml(Object)", e);
        }
    }

    private Object bindRecord(Class<?> type, ConfigNode node, String key) {
        ConfigNode.MapNode map = asMap(node, key);
        return construct(type, type.getRecordComponents(), bindArgs(type, map, key), map.source(), key);
    }

    private static ConfigNode.MapNode asMap(ConfigNode node, String key) {
        if (node != null && !(node instanceof ConfigNode.MapNode)) {
            throw typeError(node, key, "a mapping of keys");
        }
        return node == null ? ConfigNode.MapNode.empty(Source.DEFAULT) : (ConfigNode.MapNode) node;
    }

    /**
     * Binds each component of a record from {@code map}. For a {@link Component} record the first
     * component ({@code classPath}) is left null for the caller to fill.
     */
    private Object[] bindArgs(Class<?> type, ConfigNode.MapNode map, String key) {
        RecordComponent[] components = type.getRecordComponents();
        int first = Component.class.isAssignableFrom(type) ? 1 : 0;
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (int i = first; i < components.length; i++) {
            byKey.put(yamlKey(components[i]), components[i]);
        }
        for (var entry : map.entries().entrySet()) {
            if (!byKey.containsKey(entry.getKey())) {
                throw unknownKey(entry.getValue().source(), key, entry.getKey(), List.copyOf(byKey.keySet()));
            }
        }
        Object[] args = new Object[components.length];
        for (int i = first; i < components.length; i++) {
            RecordComponent c = components[i];
            String k = yamlKey(c);
            String child = key.isEmpty() ? k : key + "." + k;
            ConfigNode value = map.get(k);
            if (value == null) {
                Default d = c.getAnnotation(Default.class);
                value = d == null ? null : Yaml.parse(d.value(), "default of " + child);
            }
            Object bound = value == null ? null : bind(c.getGenericType(), value, child);
            if (bound == null) {
                boolean nullable = c.isAnnotationPresent(Nullable.class);
                if (value != null && !nullable) {
                    throw new UserError(value.source() + ": " + child + " cannot be null; give it a value");
                }
                if (value == null && !nullable && !lenient) {
                    throw new UserError(child + " is required but no config file or argument sets it; add it to your config"
                            + " (for example --" + child + "=VALUE)");
                }
                if (c.getType().isPrimitive()) {
                    throw new IllegalStateException(child + " is primitive and needs a @Default");
                }
            }
            args[i] = bound;
        }
        return args;
    }

    private static final java.util.regex.Pattern JAVA_CLASS_NAME =
            java.util.regex.Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)+");

    private Object bindComponent(Class<?> slot, ConfigNode node, String key) {
        if (!(node instanceof ConfigNode.MapNode map)) {
            throw typeError(node, key, "a component with class_path and init_args");
        }
        List<Class<?>> choices = choices(slot);
        String classPath;
        Class<?> chosen;
        ConfigNode cp = map.get(ConfigMerge.CLASS_PATH);
        if (cp == null || (cp instanceof ConfigNode.Scalar s && s.isNull())) {
            if (choices.size() != 1) {
                throw new UserError(map.source() + ": " + key + " needs a class_path, one of "
                        + String.join(", ", allClassPaths(choices)));
            }
            chosen = choices.getFirst();
            classPath = chosen.getAnnotation(ClassPaths.class).value()[0];
        } else {
            if (!(cp instanceof ConfigNode.Scalar s)) {
                throw typeError(cp, key + ".class_path", "a class name");
            }
            classPath = s.text();
            chosen = null;
            for (Class<?> c : choices) {
                if (Arrays.asList(c.getAnnotation(ClassPaths.class).value()).contains(classPath)) {
                    chosen = c;
                }
            }
            if (chosen == null && JAVA_CLASS_NAME.matcher(classPath).matches()) {
                // A plug-in class, loaded and checked where the component is used. Among several built-in choices, a
                // name one typo away from one of them is taken for that typo, not for a plug-in.
                List<Class<?>> pluggable = choices.stream().filter(c -> c.getAnnotation(ClassPaths.class).plugins()).toList();
                if (pluggable.size() == 1 && (choices.size() == 1 || Suggest.nearest(classPath, allClassPaths(choices)).isEmpty())) {
                    chosen = pluggable.getFirst();
                }
            }
            if (chosen == null) {
                String hint = Suggest.nearest(classPath, allClassPaths(choices)).map(n -> "; did you mean '" + n + "'?")
                        .orElse("; valid: " + String.join(", ", allClassPaths(choices)));
                throw new UserError(cp.source() + ": " + key + ".class_path '" + classPath + "' is not a class genbench knows" + hint);
            }
        }
        for (String k : map.entries().keySet()) {
            if (!k.equals(ConfigMerge.CLASS_PATH) && !k.equals(ConfigMerge.INIT_ARGS)) {
                throw unknownKey(map.get(k).source(), key, k, List.of(ConfigMerge.CLASS_PATH, ConfigMerge.INIT_ARGS));
            }
        }
        ClassPaths info = chosen.getAnnotation(ClassPaths.class);
        if (!info.unsupported().isEmpty()) {
            warnings.add(key + ": " + classPath + " is not implemented in genbench-java; " + info.unsupported());
        }
        ConfigNode initArgs = map.get(ConfigMerge.INIT_ARGS);
        String argsKey = key + ".init_args";
        RecordComponent[] components = chosen.getRecordComponents();
        if (components.length == 2 && components[1].getType() == Map.class) {
            // An unsupported component keeps its arguments as given, so the printed config stays complete.
            Object args = initArgs == null ? Map.of() : bind(components[1].getGenericType(), initArgs, argsKey);
            return construct(chosen, components, new Object[] {classPath, args}, map.source(), key);
        }
        Object[] args = bindArgs(chosen, asMap(initArgs, argsKey), argsKey);
        args[0] = classPath;
        return construct(chosen, components, args, map.source(), key);
    }

    private static List<Class<?>> choices(Class<?> slot) {
        if (slot.isRecord()) {
            return List.of(slot);
        }
        if (!slot.isSealed()) {
            throw new IllegalStateException(slot.getName() + " must be a record or a sealed interface");
        }
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> c : slot.getPermittedSubclasses()) {
            out.addAll(choices(c));
        }
        return out;
    }

    private static List<String> allClassPaths(List<Class<?>> choices) {
        return choices.stream().flatMap(c -> Arrays.stream(c.getAnnotation(ClassPaths.class).value())).toList();
    }

    private static Object construct(Class<?> type, RecordComponent[] components, Object[] args, Source source, String key) {
        try {
            Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            var ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                // Compact constructors validate ranges and combinations; their message names the key.
                throw new UserError(source + ": " + (key.isEmpty() ? "" : key + ": ") + bad.getMessage());
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build config record " + type.getName(), e);
        }
    }

    // ---------------------------------------------------------------- back to YAML

    /** The typed config as plain YAML values: every key, defaults included, components as class_path/init_args. */
    public static Object toPlain(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof YamlValue v) {
            return v.toYaml();
        }
        if (value instanceof Component c) {
            RecordComponent[] components = c.getClass().getRecordComponents();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put(ConfigMerge.CLASS_PATH, c.classPath());
            if (components.length == 2 && components[1].getType() == Map.class) {
                Object args = accessor(components[1], c);
                if (args instanceof Map<?, ?> m && !m.isEmpty()) {
                    out.put(ConfigMerge.INIT_ARGS, args);
                }
                return out;
            }
            Map<String, Object> initArgs = new LinkedHashMap<>();
            for (int i = 1; i < components.length; i++) {
                initArgs.put(yamlKey(components[i]), toPlain(accessor(components[i], c)));
            }
            out.put(ConfigMerge.INIT_ARGS, initArgs);
            return out;
        }
        if (value instanceof Record r) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                out.put(yamlKey(c), toPlain(accessor(c, r)));
            }
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ConfigBinder::toPlain).collect(Collectors.toList());
        }
        if (value instanceof Enum<?> e) {
            return enumSpelling(e);
        }
        if (value instanceof Path p) {
            return p.toString();
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        return value;
    }

    // ---------------------------------------------------------------- helpers

    static String yamlKey(RecordComponent c) {
        String name = c.getName();
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (Character.isUpperCase(ch)) {
                out.append('_').append(Character.toLowerCase(ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static String enumSpelling(Object constant) {
        return constant instanceof YamlEnum y ? y.yaml() : ((Enum<?>) constant).name().toLowerCase(Locale.ROOT);
    }

    private static Object accessor(RecordComponent c, Object target) {
        try {
            Method m = c.getAccessor();
            m.setAccessible(true);
            return m.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported config type " + type);
    }

    private static Long asLong(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Double asDouble(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Long l) {
            return l.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String describe(Class<?> raw) {
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return "an integer";
        }
        if (raw == double.class || raw == Double.class || raw == Number.class) {
            return "a number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true or false";
        }
        if (raw == Path.class) {
            return "a path";
        }
        return raw == String.class || raw == Object.class || raw.isEnum() ? "a single value" : "a value";
    }

    private static UserError typeError(ConfigNode node, String key, String expected) {
        return new UserError(node.source() + ": " + key + " must be " + expected + ", got " + shown(node));
    }

    private static String shown(ConfigNode node) {
        return switch (node) {
            case ConfigNode.Scalar s -> s.isNull() ? "null" : "'" + s.text() + "'";
            case ConfigNode.ListNode l -> "a list of " + l.items().size();
            case ConfigNode.MapNode m -> "a mapping";
        };
    }

    private static UserError unknownKey(Source source, String parent, String key, List<String> valid) {
        String full = parent.isEmpty() ? key : parent + "." + key;
        String hint = Suggest.nearest(key, valid)
                .map(n -> "; did you mean '" + (parent.isEmpty() ? n : parent + "." + n) + "'?")
                .orElse("; valid keys here: " + valid.stream().sorted(Comparator.naturalOrder()).collect(Collectors.joining(", ")));
        return new UserError(source + ": unknown key '" + full + "'" + hint);
    }
}
