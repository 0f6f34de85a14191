package dev.genbench.extension;

import dev.genbench.config.Suggest;
import dev.genbench.console.UserError;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The plug-in path: where user classes named by {@code model.class_path} and {@code trainer.callbacks} are
 * loaded from, in this order:
 * <ol>
 *   <li>the entries of {@code --classpath} (jars or folders of {@code .class} files, path-separator separated);
 *   <li>the entries of {@code -Dgenbench.plugins} or else {@code GENBENCH_PLUGINS} (a folder here stands for
 *       every {@code .jar} in it, or for itself when it holds no jar);
 *   <li>when neither of those is set, {@code plugins/} in the working directory, if it exists.
 * </ol>
 * All of them share one class loader whose parent is genbench's, so a plug-in sees genbench's public API
 * and its libraries. The loader stays open for the life of the process: classes loaded from it may run
 * until the end.
 */
public final class Plugins {

    /** One place searched, and how the user named it (for messages). */
    private record Root(Path path, String origin) {
        @Override
        public String toString() {
            return path + " (" + origin + ")";
        }
    }

    private final List<Root> roots;
    private final List<URL> urls;
    private final ClassLoader loader;

    private Plugins(List<Root> roots, List<URL> urls) {
        this.roots = List.copyOf(roots);
        this.urls = List.copyOf(urls);
        this.loader = urls.isEmpty() ? Plugins.class.getClassLoader()
                : new URLClassLoader("genbench-plugins", urls.toArray(URL[]::new), Plugins.class.getClassLoader());
    }

    /**
     * The plug-in path of a command: {@code --classpath} (null or blank: none), then the environment (see
     * the class comment). A {@code --classpath} or {@code GENBENCH_PLUGINS} entry that does not exist is an
     * error; a missing {@code plugins/} folder is not.
     */
    public static Plugins resolve(String classpath) {
        List<Root> roots = new ArrayList<>();
        List<URL> urls = new ArrayList<>();
        for (Path p : split(classpath)) {
            add(new Root(p, "--classpath"), true, false, roots, urls);
        }
        String list = System.getProperty("genbench.plugins", System.getenv("GENBENCH_PLUGINS"));
        if (list != null && !list.isBlank()) {
            for (Path p : split(list)) {
                add(new Root(p, "GENBENCH_PLUGINS"), true, true, roots, urls);
            }
        } else if (Files.isDirectory(Path.of("plugins"))) {
            add(new Root(Path.of("plugins"), "plugins folder"), false, true, roots, urls);
        }
        return new Plugins(roots, urls);
    }

    private static List<Path> split(String list) {
        List<Path> out = new ArrayList<>();
        if (list != null) {
            for (String p : list.split(File.pathSeparator)) {
                if (!p.isBlank()) {
                    out.add(Path.of(p.strip()));
                }
            }
        }
        return out;
    }

    /**
     * @param jarsInFolder a folder stands for the jars it holds (plug-ins folders) rather than for a class
     *     folder (a {@code --classpath} entry, as {@code java -cp} reads it)
     */
    private static void add(Root root, boolean mustExist, boolean jarsInFolder, List<Root> roots, List<URL> urls) {
        Path path = root.path();
        try {
            if (Files.isRegularFile(path) && path.toString().endsWith(".jar")) {
                urls.add(path.toUri().toURL());
            } else if (Files.isDirectory(path)) {
                List<Path> jars = List.of();
                if (jarsInFolder) {
                    try (Stream<Path> s = Files.list(path)) {
                        jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
                    }
                }
                if (jars.isEmpty()) {
                    urls.add(path.toUri().toURL()); // a folder of compiled classes
                }
                for (Path jar : jars) {
                    urls.add(jar.toUri().toURL());
                }
            } else if (mustExist) {
                throw new UserError("plug-in path '" + path + "' (" + root.origin() + ") is neither a .jar file nor a folder;"
                        + " fix the path list");
            } else {
                return;
            }
            roots.add(root);
        } catch (MalformedURLException e) {
            throw new UserError("plug-in path '" + path + "' (" + root.origin() + ") is not a valid location (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UserError("cannot list the plug-ins folder '" + path + "' (" + e.getMessage() + ")", e);
        }
    }

    /** Where classes are looked for, as a sentence part for messages. */
    String searched() {
        return roots.isEmpty() ? "no plug-in path is set (pass --classpath JARS, name them in GENBENCH_PLUGINS or put them in plugins/)"
                : "searched genbench and " + roots;
    }

    /**
     * Loads and constructs {@code className}, which must implement {@code type}. With empty {@code initArgs} it
     * needs a public no-argument constructor (or one taking a {@code Map}); with init_args, a public constructor
     * taking one {@code Map<String, Object>}, which receives them as written in YAML.
     *
     * @param key the config key that named the class, for messages
     * @param builtIn the names genbench itself knows for this key, suggested when the class is not found
     */
    public <T> T instantiate(String className, Class<T> type, String key, List<String> builtIn, Map<String, Object> initArgs) {
        Class<?> c;
        try {
            c = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            String hint = Suggest.nearest(className, builtIn).map(n -> "; did you mean '" + n + "'?").orElse("");
            throw new UserError(key + " '" + className + "' is not a class genbench knows, and it was not found on the plug-in"
                    + " path: " + searched() + hint, e);
        }
        if (!type.isAssignableFrom(c)) {
            throw new UserError(key + " '" + className + "' (from " + where(c) + ") does not implement " + type.getName()
                    + "; a class named there must implement it");
        }
        if (!Modifier.isPublic(c.getModifiers()) || Modifier.isAbstract(c.getModifiers())) {
            throw new UserError(key + " '" + className + "' must be a public, non-abstract class");
        }
        Map<String, Object> args = initArgs == null ? Map.of() : initArgs;
        Constructor<?> withArgs = constructor(c, Map.class);
        Constructor<?> noArgs = constructor(c);
        try {
            if (withArgs != null) {
                return type.cast(withArgs.newInstance(args));
            }
            if (noArgs == null) {
                throw new UserError(key + " '" + className + "' needs a public no-argument constructor, or a public constructor"
                        + " taking a Map<String, Object> of its init_args");
            }
            if (!args.isEmpty()) {
                throw new UserError(key + " '" + className + "' takes no init_args (it has no public constructor taking a"
                        + " Map<String, Object>), but the config gives " + args.keySet() + "; remove them or add that constructor");
            }
            return type.cast(noArgs.newInstance());
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof IllegalArgumentException bad) {
                // a plug-in's constructor that rejects its init_args says why
                throw new UserError(key + " '" + className + "' rejected its init_args " + args + ": " + bad.getMessage(), bad);
            }
            throw new UserError(key + " '" + className + "' could not be constructed (" + cause + ")", cause);
        }
    }

    private static Constructor<?> constructor(Class<?> c, Class<?>... parameters) {
        try {
            return c.getConstructor(parameters);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static String where(Class<?> c) {
        var source = c.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "genbench" : source.getLocation().getPath();
    }
}
