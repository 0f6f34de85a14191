package dev.genbench.extension;

import dev.genbench.engine.optim.OneCycleLR;
import dev.genbench.engine.optim.Optimizer;
import dev.genbench.engine.optim.ParamGroup;

/**
 * A learning-rate schedule the trainer steps after every optimizer step, as torch's schedulers. Its state
 * is its step count, which checkpoints keep so that a resumed window continues the schedule exactly.
 * Not thread-safe.
 */
public interface LrSchedule {

    /** Advances one optimizer step and sets the optimizer's groups accordingly. */
    void step();

    /** Steps taken so far (0 after construction). */
    int stepNum();

    /** Sets the schedule to {@code stepNum} steps taken (resuming from a checkpoint) and applies that step's values. */
    void restore(int stepNum);

    /** The learning rate now in effect, for the logs. */
    double lr();

    /**
     * OneCycleLR as the original configures it (SPEC §7.5): torch's defaults, {@code maxLr} the configured lr,
     * momentum (or Adam's beta1) cycled.
     */
    static LrSchedule oneCycle(Optimizer optimizer, double maxLr, int totalSteps) {
        OneCycleLR schedule = new OneCycleLR(optimizer, OneCycleLR.Config.defaults(maxLr, totalSteps));
        return new LrSchedule() {
            @Override public void step() { schedule.step(); }
            @Override public int stepNum() { return schedule.stepNum(); }
            @Override public void restore(int stepNum) { schedule.restore(stepNum); }
            @Override public double lr() { return schedule.lr(); }
        };
    }

    /** The learning rate {@code lr} on every group, never changed. */
    static LrSchedule constant(Optimizer optimizer, double lr) {
        for (ParamGroup g : optimizer.groups()) {
            g.lr(lr);
        }
        return new LrSchedule() {
            private int steps;
            @Override public void step() { steps++; }
            @Override public int stepNum() { return steps; }
            @Override public void restore(int stepNum) { steps = stepNum; }
            @Override public double lr() { return lr; }
        };
    }
}
