package dev.genbench.config;

/**
 * Where a configuration value came from: a YAML file and line, a command-line argument, or a default.
 * Every error about a value names its source, so the user knows which file to edit.
 */
public record Source(String origin, int line) {

    public static final Source DEFAULT = new Source("defaults", 0);

    public static Source file(String path, int line) {
        return new Source(path, line);
    }

    public static Source argument(String argument) {
        return new Source("command line (" + argument + ")", 0);
    }

    @Override
    public String toString() {
        return line > 0 ? origin + ":" + line : origin;
    }
}
