package dev.genbench.engine.optim;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.Op;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * torch.optim.Adam (L2 weight decay added to the gradient) and torch.optim.AdamW (decoupled
 * weight decay), without amsgrad. Each parameter counts its own steps, as torch's state does.
 * Not thread-safe.
 */
public final class Adam extends Optimizer {

    private final boolean decoupled;
    private final Map<Tensor, Long> steps = new HashMap<>();

    private Adam(List<ParamGroup> groups, boolean decoupled) {
        super(groups);
        this.decoupled = decoupled;
    }

    public static Adam adam(List<Tensor> params, double lr, double beta1, double beta2, double epsilon, double weightDecay) {
        return create(params, lr, beta1, beta2, epsilon, weightDecay, false);
    }

    /** AdamW; torch's default weight_decay for it is 0.01. */
    public static Adam adamW(List<Tensor> params, double lr, double beta1, double beta2, double epsilon, double weightDecay) {
        return create(params, lr, beta1, beta2, epsilon, weightDecay, true);
    }

    private static Adam create(List<Tensor> params, double lr, double beta1, double beta2, double epsilon, double weightDecay, boolean decoupled) {
        String name = decoupled ? "AdamW" : "Adam";
        if (lr < 0) {
            throw new IllegalArgumentException(name + " lr must be >= 0, got " + lr);
        }
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
            throw new IllegalArgumentException(name + " betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        if (epsilon < 0) {
            throw new IllegalArgumentException(name + " eps must be >= 0, got " + epsilon);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException(name + " weight_decay must be >= 0, got " + weightDecay);
        }
        ParamGroup g = new ParamGroup(params);
        g.lr = lr;
        g.beta1 = beta1;
        g.beta2 = beta2;
        g.epsilon = epsilon;
        g.weightDecay = weightDecay;
        return new Adam(List.of(g), decoupled);
    }

    @Override
    List<String> bufferNames() {
        return List.of("exp_avg", "exp_avg_sq");
    }

    @Override
    Long stepCount(Tensor param) {
        return steps.get(param);
    }

    @Override
    void restoreStepCount(Tensor param, Long count) {
        if (count == null) {
            throw new IllegalArgumentException("optimizer state of '" + param.name() + "' has no step count");
        }
        steps.put(param, count);
    }

    @Override
    public boolean usesBetas() {
        return true;
    }

    @Override
    public void step() {
        for (ParamGroup g : groups()) {
            for (Tensor p : g.params()) {
                Tensor grad = p.grad();
                if (grad == null) {
                    continue;
                }
                Tensor[] s = state.computeIfAbsent(p, k -> new Tensor[] {
                        Tensor.unscoped(p.backend(), p.dtype(), p.shape(), p.name() + ".exp_avg"),
                        Tensor.unscoped(p.backend(), p.dtype(), p.shape(), p.name() + ".exp_avg_sq")});
                long step = steps.merge(p, 1L, Long::sum);
                Ops.runInPlace(Op.ADAM_STEP, new Attrs.AdamStep(g.lr, g.beta1, g.beta2, g.epsilon, g.weightDecay, decoupled, step), p, grad, s[0], s[1]);
            }
        }
    }

    @Override
    public void close() {
        super.close();
        steps.clear();
    }
}
