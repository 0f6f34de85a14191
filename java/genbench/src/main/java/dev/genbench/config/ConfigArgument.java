package dev.genbench.config;

import java.nio.file.Path;
import java.util.List;

/** One configuration layer from the command line, applied in the order given (as LightningCLI does). */
public sealed interface ConfigArgument {

    /** {@code --config FILE}. */
    record File(Path path) implements ConfigArgument {}

    /** {@code --a.b.c=VALUE} or {@code --a.b.c VALUE}; the value is read as YAML ({@code 3}, {@code [1, 2]}, {@code {k: v}}). */
    record Override(List<String> key, String value, String argument) implements ConfigArgument {
        public Override {
            key = List.copyOf(key);
        }

        public static Override of(String dottedKey, String value) {
            return new Override(List.of(dottedKey.split("\\.", -1)), value, "--" + dottedKey);
        }

        public String dottedKey() {
            return String.join(".", key);
        }
    }
}
