package dev.genbench.detector;

import dev.genbench.console.UserError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's arguments: {@code --name value} or {@code --name=value} options from a known set, and the
 * positional rest. A small parser of our own keeps the detector's start-up and image lean.
 */
record Args(Map<String, String> options, List<String> positional) {

    static Args parse(List<String> args, Set<String> known, String command) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                positional.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
            if (!known.contains(name)) {
                throw new UserError("detector " + command + ": unknown option --" + name + "; options are --" + String.join(", --", known.stream().sorted().toList()));
            }
            if (eq >= 0) {
                options.put(name, a.substring(eq + 1));
            } else if (i + 1 < args.size()) {
                options.put(name, args.get(++i));
            } else {
                throw new UserError("detector " + command + ": --" + name + " needs a value");
            }
        }
        return new Args(options, positional);
    }

    String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    long getLong(String name, long fallback, long min) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.replace("_", ""));
            if (n < min) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UserError("--" + name + " must be an integer >= " + min + ", got '" + v + "'");
        }
    }

    int getInt(String name, int fallback, int min) {
        return Math.toIntExact(getLong(name, fallback, min));
    }
}
