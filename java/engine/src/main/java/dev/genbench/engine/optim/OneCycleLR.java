package dev.genbench.engine.optim;

/**
 * torch.optim.lr_scheduler.OneCycleLR (two phases, as SPEC §7.5 uses it), computed exactly as
 * torch 1.13 does: phase 1 from max_lr/div_factor up to max_lr over steps 0..pct_start*T-1, phase
 * 2 down to initial_lr/final_div_factor at step T-1, cosine (or linear) annealing within each
 * phase, and momentum (SGD's momentum or Adam's beta1) cycled the opposite way between
 * max_momentum and base_momentum. Like torch, construction already applies step 0's values, and
 * {@link #step()} is called after every optimizer step. Not thread-safe.
 */
public final class OneCycleLR {

    /** Annealing between a phase's start and end values. */
    public enum Anneal { COS, LINEAR }

    /** OneCycleLR's arguments; {@link #defaults} gives torch's defaults for everything but max_lr and total_steps. */
    public record Config(double maxLr, int totalSteps, double pctStart, Anneal anneal, boolean cycleMomentum,
                         double baseMomentum, double maxMomentum, double divFactor, double finalDivFactor) {
        public Config {
            if (totalSteps <= 0) {
                throw new IllegalArgumentException("OneCycleLR total_steps must be a positive integer, got " + totalSteps);
            }
            if (pctStart < 0 || pctStart > 1) {
                throw new IllegalArgumentException("OneCycleLR pct_start must be in [0, 1], got " + pctStart);
            }
        }

        public static Config defaults(double maxLr, int totalSteps) {
            return new Config(maxLr, totalSteps, 0.3, Anneal.COS, true, 0.85, 0.95, 25, 1e4);
        }
    }

    private final Optimizer optimizer;
    private final Config config;
    private final double initialLr;
    private final double minLr;
    private final double phase1End;
    private final double phase2End;
    private int stepNum;

    public OneCycleLR(Optimizer optimizer, Config config) {
        this.optimizer = optimizer;
        this.config = config;
        this.initialLr = config.maxLr() / config.divFactor();
        this.minLr = initialLr / config.finalDivFactor();
        // torch: float(pct_start * total_steps) - 1 and total_steps - 1
        this.phase1End = config.pctStart() * config.totalSteps() - 1;
        this.phase2End = config.totalSteps() - 1;
        this.stepNum = 0;
        apply();
    }

    /** Advances one step and sets the groups' lr (and momentum); past total_steps is an error, as in torch. */
    public void step() {
        stepNum++;
        if (stepNum > config.totalSteps()) {
            throw new IllegalStateException("OneCycleLR stepped " + stepNum + " times with total_steps " + config.totalSteps()
                    + "; the schedule is over (check max_epochs, steps per epoch and accumulate_grad_batches)");
        }
        apply();
    }

    /**
     * Sets the schedule to {@code stepNum} steps taken, as when it is restored from a checkpoint, and
     * applies that step's values to the optimizer.
     */
    public void restore(int stepNum) {
        if (stepNum < 0 || stepNum > config.totalSteps()) {
            throw new IllegalArgumentException("OneCycleLR step " + stepNum + " is outside 0.." + config.totalSteps());
        }
        this.stepNum = stepNum;
        apply();
    }

    /** The current step number (0 right after construction). */
    public int stepNum() {
        return stepNum;
    }

    public double lr() {
        return value(stepNum, initialLr, config.maxLr(), minLr);
    }

    public double momentum() {
        return value(stepNum, config.maxMomentum(), config.baseMomentum(), config.maxMomentum());
    }

    private void apply() {
        double lr = lr();
        double m = momentum();
        for (ParamGroup g : optimizer.groups()) {
            g.lr(lr);
            if (config.cycleMomentum()) {
                if (optimizer.usesBetas()) {
                    g.beta1(m);
                } else {
                    g.momentum(m);
                }
            }
        }
    }

    /** The schedule at {@code step} for a value going start -> peak (phase 1) -> end (phase 2). */
    private double value(int step, double start, double peak, double end) {
        if (step <= phase1End) {
            return anneal(start, peak, step / phase1End);
        }
        return anneal(peak, end, (step - phase1End) / (phase2End - phase1End));
    }

    private double anneal(double start, double end, double pct) {
        return switch (config.anneal()) {
            case COS -> end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
            case LINEAR -> (end - start) * pct + start;
        };
    }
}
