package dev.genbench.extension;

import dev.genbench.config.ConfigBinder;
import dev.genbench.config.OptimizerConfig;
import dev.genbench.engine.Tensor;
import java.util.List;
import java.util.Map;

/**
 * What {@link DetectorModule#configureOptimizers} is given for one window.
 *
 * @param parameters the trainable parameters (the head's for a {@code _probe} run, every parameter for
 *     {@code _tune}), owned by the model
 * @param optimizer {@code model.init_args.optimizer} as configured
 * @param scheduler {@code model.init_args.scheduler} as configured ({@code OneCycleLR})
 * @param totalSteps the optimizer steps the window will take: ceil(batches per epoch /
 *     {@code accumulate_grad_batches}) × {@code max_epochs} (SPEC §7.5)
 * @param window the window being trained
 */
public record OptimizerContext(List<Tensor> parameters, OptimizerConfig optimizer, String scheduler, int totalSteps, int window) {

    /** The optimizer's {@code init_args} as plain YAML values, as {@code Optimizers.create} takes them. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> optimizerInitArgs() {
        var plain = (Map<String, Object>) ConfigBinder.toPlain(optimizer);
        return (Map<String, Object>) plain.getOrDefault("init_args", Map.of());
    }
}
