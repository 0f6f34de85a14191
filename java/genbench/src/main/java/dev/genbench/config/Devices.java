package dev.genbench.config;

import java.util.List;

/** {@code trainer.devices}: {@code auto}, a count, or a list of device indices, as Lightning takes it. */
public record Devices(Object value) implements YamlValue {

    public static Devices fromYaml(Object plain) {
        if (plain instanceof String s && (s.equals("auto") || s.matches("-?\\d+(,\\d+)*,?"))) {
            return new Devices(s);
        }
        if (plain instanceof Long n && n >= -1) {
            return new Devices(n);
        }
        if (plain instanceof List<?> list && list.stream().allMatch(x -> x instanceof Long n && n >= 0)) {
            return new Devices(List.copyOf(list));
        }
        throw new IllegalArgumentException("'auto', a device count (-1 for all) or a list of device indices");
    }

    public boolean isAuto() {
        return "auto".equals(value);
    }

    @Override
    public Object toYaml() {
        return value;
    }
}
