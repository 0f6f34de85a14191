package dev.genbench.config;

/**
 * A configurable part given in YAML as {@code class_path} + {@code init_args}, as LightningCLI does.
 * Implementations are records whose first component is {@code classPath} (the value as written) and
 * whose other components are the init args; they carry {@link ClassPaths}. A slot with several choices is
 * a sealed interface extending this one; binding picks the permitted record whose {@link ClassPaths}
 * names the {@code class_path}, so a new choice is one new record.
 */
public interface Component {
    String classPath();
}
