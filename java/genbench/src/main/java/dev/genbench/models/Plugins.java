package dev.genbench.models;

import dev.genbench.config.Suggest;
import dev.genbench.console.UserError;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * User classes from plug-in jars: every {@code .jar} in a plug-ins folder (or a jar named directly, or a
 * folder of {@code .class} files that holds no jar), on one class loader whose parent is genbench's, so a
 * plug-in sees genbench's public API and its libraries. The folders come from {@code -Dgenbench.plugins}
 * or {@code GENBENCH_PLUGINS} (a path list, ':' separated on Linux), else {@code plugins/} in the working
 * directory when it exists.
 *
 * <p>The loader stays open for the life of the process: classes loaded from it may run until the end.
 */
public final class Plugins {

    private final List<Path> roots;
    private final List<URL> urls;
    private final ClassLoader loader;

    private Plugins(List<Path> roots, List<URL> urls) {
        this.roots = List.copyOf(roots);
        this.urls = List.copyOf(urls);
        this.loader = urls.isEmpty() ? Plugins.class.getClassLoader()
                : new URLClassLoader("genbench-plugins", urls.toArray(URL[]::new), Plugins.class.getClassLoader());
    }

    /** The plug-ins the environment names (see the class comment). */
    public static Plugins fromEnvironment() {
        String list = System.getProperty("genbench.plugins", System.getenv("GENBENCH_PLUGINS"));
        if (list != null && !list.isBlank()) {
            List<Path> roots = new ArrayList<>();
            for (String p : list.split(File.pathSeparator)) {
                if (!p.isBlank()) {
                    roots.add(Path.of(p.strip()));
                }
            }
            return of(roots, true);
        }
        Path local = Path.of("plugins");
        return of(Files.isDirectory(local) ? List.of(local) : List.of(), false);
    }

    /**
     * @param mustExist whether a missing root is an error (named explicitly) or skipped
     */
    public static Plugins of(List<Path> roots, boolean mustExist) {
        List<URL> urls = new ArrayList<>();
        for (Path root : roots) {
            try {
                if (Files.isRegularFile(root) && root.toString().endsWith(".jar")) {
                    urls.add(root.toUri().toURL());
                } else if (Files.isDirectory(root)) {
                    List<Path> jars;
                    try (Stream<Path> s = Files.list(root)) {
                        jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
                    }
                    if (jars.isEmpty()) {
                        urls.add(root.toUri().toURL()); // a folder of compiled classes
                    }
                    for (Path jar : jars) {
                        urls.add(jar.toUri().toURL());
                    }
                } else if (mustExist) {
                    throw new UserError("plug-ins path '" + root + "' (GENBENCH_PLUGINS) is neither a .jar file nor a folder;"
                            + " fix the path list");
                }
            } catch (MalformedURLException e) {
                throw new UserError("plug-ins path '" + root + "' is not a valid location (" + e.getMessage() + ")", e);
            } catch (IOException e) {
                throw new UserError("cannot list the plug-ins folder '" + root + "' (" + e.getMessage() + ")", e);
            }
        }
        return new Plugins(roots, urls);
    }

    /**
     * Loads and constructs {@code className}, which must implement {@code type} and have a public
     * no-argument constructor.
     *
     * @param key the config key that named the class, for messages
     * @param builtIn the names genbench itself knows for this key, suggested when the class is not found
     */
    public <T> T instantiate(String className, Class<T> type, String key, List<String> builtIn) {
        Class<?> c;
        try {
            c = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            String where = urls.isEmpty() ? "no plug-ins are installed (put the jar in plugins/ or name it in GENBENCH_PLUGINS)"
                    : "not found in the plug-ins " + roots;
            String hint = Suggest.nearest(className, builtIn).map(n -> "; did you mean '" + n + "'?").orElse("");
            throw new UserError(key + " '" + className + "' is not a class genbench knows, and " + where + hint, e);
        }
        if (!type.isAssignableFrom(c)) {
            throw new UserError(key + " '" + className + "' does not implement " + type.getName() + "; a plug-in named there"
                    + " must implement it");
        }
        try {
            return type.cast(c.getConstructor().newInstance());
        } catch (NoSuchMethodException e) {
            throw new UserError(key + " '" + className + "' needs a public no-argument constructor", e);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new UserError(key + " '" + className + "' could not be constructed (" + cause + ")", cause);
        }
    }
}
