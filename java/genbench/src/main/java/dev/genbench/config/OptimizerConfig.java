package dev.genbench.config;

import java.util.List;

/**
 * {@code model.init_args.optimizer}: a torch optimizer by class path, with torch's defaults. One
 * parameter group holds every trainable parameter and weight decay applies to all (SPEC §7.5).
 */
public sealed interface OptimizerConfig extends Component
        permits OptimizerConfig.Sgd, OptimizerConfig.Adam, OptimizerConfig.AdamW {

    double lr();

    double weightDecay();

    @ClassPaths({"torch.optim.SGD", "torch.optim.sgd.SGD", "SGD"})
    record Sgd(
            String classPath,
            @Default("0.001") double lr,
            @Default("0.0") double momentum,
            @Default("0.0") double dampening,
            @Default("0.0") double weightDecay,
            @Default("false") boolean nesterov,
            @Default("false") boolean maximize) implements OptimizerConfig {
        public Sgd {
            checkNonNegative(lr, momentum, dampening, weightDecay);
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("nesterov needs momentum > 0 and dampening 0, as in torch");
            }
        }
    }

    @ClassPaths({"torch.optim.Adam", "torch.optim.adam.Adam", "Adam"})
    record Adam(
            String classPath,
            @Default("0.001") double lr,
            @Default("[0.9, 0.999]") List<Double> betas,
            @Default("1e-8") double eps,
            @Default("0.0") double weightDecay,
            @Default("false") boolean amsgrad,
            @Default("false") boolean maximize) implements OptimizerConfig {
        public Adam {
            checkNonNegative(lr, eps, weightDecay);
            checkBetas(betas);
        }
    }

    @ClassPaths({"torch.optim.AdamW", "torch.optim.adamw.AdamW", "AdamW"})
    record AdamW(
            String classPath,
            @Default("0.001") double lr,
            @Default("[0.9, 0.999]") List<Double> betas,
            @Default("1e-8") double eps,
            @Default("0.01") double weightDecay,
            @Default("false") boolean amsgrad,
            @Default("false") boolean maximize) implements OptimizerConfig {
        public AdamW {
            checkNonNegative(lr, eps, weightDecay);
            checkBetas(betas);
        }
    }

    private static void checkNonNegative(double... values) {
        for (double v : values) {
            if (!(v >= 0)) {
                throw new IllegalArgumentException("optimizer arguments lr, momentum, dampening, eps and weight_decay must be >= 0");
            }
        }
    }

    private static void checkBetas(List<Double> betas) {
        if (betas.size() != 2 || betas.stream().anyMatch(b -> !(b >= 0 && b < 1))) {
            throw new IllegalArgumentException("betas must be two numbers in [0, 1), got " + betas);
        }
    }
}
