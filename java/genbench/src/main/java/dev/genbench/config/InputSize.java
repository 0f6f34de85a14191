package dev.genbench.config;

import java.util.List;

/** {@code model.init_args.model_input_size}: an integer n (meaning n×n) or {@code [height, width]}. */
public record InputSize(int height, int width) implements YamlValue {

    public InputSize {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("positive sizes");
        }
    }

    public static InputSize fromYaml(Object plain) {
        if (plain instanceof Long n && n > 0 && n <= 65536) {
            return new InputSize(n.intValue(), n.intValue());
        }
        if (plain instanceof List<?> l && l.size() == 2 && l.stream().allMatch(x -> x instanceof Long n && n > 0 && n <= 65536)) {
            return new InputSize(((Long) l.get(0)).intValue(), ((Long) l.get(1)).intValue());
        }
        throw new IllegalArgumentException("a positive integer or a list [height, width]");
    }

    @Override
    public Object toYaml() {
        return height == width ? (Object) (long) height : List.of((long) height, (long) width);
    }
}
