package dev.genbench.train;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles source files against genbench's classes with javax.tools and packs the classes into a jar, as a user would. */
final class PluginJar {
    private PluginJar() {}

    static Path compile(Path work, String className, String source) throws IOException {
        return compile(work, java.util.Map.of(className, source));
    }

    /** As {@link #compile(Path, String, String)} for several classes (by fully qualified name) in one jar. */
    static Path compile(Path work, java.util.Map<String, String> sources) throws IOException {
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "-classpath", System.getProperty("java.class.path"), "-d", classes.toString()));
        for (var e : sources.entrySet()) {
            Path src = work.resolve("src").resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(src.getParent());
            Files.writeString(src, e.getValue());
            args.add(src.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("tests need a JDK (javax.tools has no compiler in this runtime)");
        }
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("javac failed on " + sources.keySet());
        }
        Path jar = work.resolve("plugin.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                jos.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                jos.write(Files.readAllBytes(f));
                jos.closeEntry();
            }
        }
        return jar;
    }
}
