package dev.genbench.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * The subcommands: every top-level class annotated with {@link Command} in {@code dev.genbench.cli.commands},
 * found on the class path at start-up (a directory in development, our jar otherwise). Listing one
 * package of our own code costs a millisecond and means a new command is one class, with nothing else to
 * register.
 */
public final class CommandCatalog {
    static final String PACKAGE = "dev.genbench.cli.commands";

    private CommandCatalog() {}

    public static List<Class<?>> commands() {
        List<Class<?>> out = new ArrayList<>();
        for (String className : classNames()) {
            try {
                Class<?> c = Class.forName(className, false, CommandCatalog.class.getClassLoader());
                if (c.isAnnotationPresent(Command.class) && !Modifier.isAbstract(c.getModifiers())) {
                    out.add(c);
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("command class vanished: " + className, e);
            }
        }
        out.sort(Comparator.comparing(c -> c.getAnnotation(Command.class).name()));
        return out;
    }

    private static List<String> classNames() {
        String folder = PACKAGE.replace('.', '/');
        try {
            Path root = Path.of(CommandCatalog.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(root)) {
                return listClasses(root.resolve(folder));
            }
            try (FileSystem jar = FileSystems.newFileSystem(root, Map.of())) {
                return listClasses(jar.getPath(folder));
            }
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot list the command classes", e);
        }
    }

    private static List<String> listClasses(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .map(n -> PACKAGE + "." + n.substring(0, n.length() - ".class".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
