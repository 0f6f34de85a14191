package dev.genbench.config;

/**
 * {@code seed_everything}: {@code true} draws a random seed (recorded in the saved config, SPEC §5),
 * {@code false} seeds nothing, an integer fixes the seed.
 */
public record SeedEverything(Boolean flag, Long seed) implements YamlValue {

    public static SeedEverything fromYaml(Object plain) {
        if (plain instanceof Boolean b) {
            return new SeedEverything(b, null);
        }
        if (plain instanceof Long n && n >= 0 && n <= 0xFFFF_FFFFL) {
            return new SeedEverything(null, n);
        }
        throw new IllegalArgumentException("true, false or a seed between 0 and 4294967295");
    }

    public boolean isFixed() {
        return seed != null;
    }

    @Override
    public Object toYaml() {
        return seed != null ? seed : flag;
    }
}
