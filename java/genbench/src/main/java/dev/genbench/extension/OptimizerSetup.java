package dev.genbench.extension;

import dev.genbench.engine.optim.Optimizer;

/**
 * An optimizer and the schedule that sets its learning rate, from {@link DetectorModule#configureOptimizers}.
 * The trainer steps the optimizer at each accumulation boundary and the schedule right after, saves both in
 * checkpoints and closes the optimizer at the end of the window.
 */
public record OptimizerSetup(Optimizer optimizer, LrSchedule schedule) {
    public OptimizerSetup {
        if (optimizer == null || schedule == null) {
            throw new IllegalArgumentException("configureOptimizers must return an optimizer and a schedule (LrSchedule.constant"
                    + " keeps the configured learning rate)");
        }
    }
}
