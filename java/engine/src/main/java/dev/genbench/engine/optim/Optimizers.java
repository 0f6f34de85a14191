package dev.genbench.engine.optim;

import dev.genbench.console.UserError;
import dev.genbench.engine.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds an optimizer from a Lightning-style {@code class_path} and {@code init_args}, with torch's
 * defaults for every argument left out (SPEC §7.5: one parameter group holding every trainable
 * parameter). Unknown classes or arguments are a {@link UserError} naming them and what is
 * accepted. Stateless.
 */
public final class Optimizers {
    private Optimizers() {}

    private static final Set<String> SGD_ARGS = Set.of("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "foreach", "differentiable");
    private static final Set<String> ADAM_ARGS = Set.of("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "foreach", "capturable", "differentiable", "fused");

    public static Optimizer create(String classPath, Map<String, ?> initArgs, List<Tensor> params) {
        String name = classPath.startsWith("torch.optim.") ? classPath.substring("torch.optim.".length()) : classPath;
        Map<String, ?> args = initArgs == null ? Map.of() : initArgs;
        return switch (name) {
            case "SGD" -> {
                check(classPath, args, SGD_ARGS);
                falseOnly(classPath, args, "maximize");
                if (!args.containsKey("lr")) {
                    throw new UserError("optimizer " + classPath + " needs init_args.lr (torch has no default for SGD's lr)");
                }
                yield Sgd.create(params, number(classPath, args, "lr", 0), number(classPath, args, "momentum", 0),
                        number(classPath, args, "dampening", 0), number(classPath, args, "weight_decay", 0), bool(classPath, args, "nesterov", false));
            }
            case "Adam", "AdamW" -> {
                check(classPath, args, ADAM_ARGS);
                falseOnly(classPath, args, "maximize");
                falseOnly(classPath, args, "amsgrad");
                double[] betas = betas(classPath, args);
                boolean w = name.equals("AdamW");
                double lr = number(classPath, args, "lr", 1e-3);
                double eps = number(classPath, args, "eps", 1e-8);
                double wd = number(classPath, args, "weight_decay", w ? 1e-2 : 0);
                yield w ? Adam.adamW(params, lr, betas[0], betas[1], eps, wd) : Adam.adam(params, lr, betas[0], betas[1], eps, wd);
            }
            default -> throw new UserError("optimizer class_path '" + classPath + "' is not supported; use torch.optim.SGD, torch.optim.Adam or torch.optim.AdamW");
        };
    }

    private static void check(String cls, Map<String, ?> args, Set<String> allowed) {
        for (String k : args.keySet()) {
            if (!allowed.contains(k)) {
                throw new UserError("optimizer " + cls + " has no init_args." + k + "; accepted: " + new TreeSet<>(allowed));
            }
        }
    }

    private static void falseOnly(String cls, Map<String, ?> args, String key) {
        if (bool(cls, args, key, false)) {
            throw new UserError("optimizer " + cls + " init_args." + key + ": true is not supported by the engine; remove it or set it to false");
        }
    }

    private static double number(String cls, Map<String, ?> args, String key, double fallback) {
        Object v = args.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            // YAML 1.1 readers leave 1e-4 (no dot) a string; torch's config layer converts it.
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new UserError("optimizer " + cls + " init_args." + key + " must be a number, got '" + v + "'");
        }
    }

    private static boolean bool(String cls, Map<String, ?> args, String key, boolean fallback) {
        Object v = args.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return s.equals("true");
        }
        throw new UserError("optimizer " + cls + " init_args." + key + " must be true or false, got '" + v + "'");
    }

    private static double[] betas(String cls, Map<String, ?> args) {
        Object v = args.get("betas");
        if (v == null) {
            return new double[] {0.9, 0.999};
        }
        if (v instanceof List<?> l && l.size() == 2) {
            return new double[] {number(cls, Map.of("beta1", l.get(0)), "beta1", 0), number(cls, Map.of("beta2", l.get(1)), "beta2", 0)};
        }
        throw new UserError("optimizer " + cls + " init_args.betas must be a list of two numbers, got '" + v + "'");
    }
}
