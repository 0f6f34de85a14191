package dev.genbench.engine.optim;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.Op;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Tensor;
import java.util.List;

/**
 * torch.optim.SGD: momentum, dampening, nesterov and (coupled) weight decay. The momentum buffer
 * of a parameter starts as its first update direction, as torch does. Not thread-safe.
 */
public final class Sgd extends Optimizer {

    private Sgd(List<ParamGroup> groups) {
        super(groups);
    }

    /** One group with the given hyper-parameters; errors name the bad value as torch's do. */
    public static Sgd create(List<Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        if (lr < 0) {
            throw new IllegalArgumentException("SGD lr must be >= 0, got " + lr);
        }
        if (momentum < 0) {
            throw new IllegalArgumentException("SGD momentum must be >= 0, got " + momentum);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("SGD weight_decay must be >= 0, got " + weightDecay);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD nesterov needs momentum > 0 and dampening 0");
        }
        ParamGroup g = new ParamGroup(params);
        g.lr = lr;
        g.momentum = momentum;
        g.dampening = dampening;
        g.weightDecay = weightDecay;
        g.nesterov = nesterov;
        return new Sgd(List.of(g));
    }

    @Override
    List<String> bufferNames() {
        return List.of("momentum_buffer");
    }

    @Override
    public boolean usesBetas() {
        return false;
    }

    @Override
    public void step() {
        for (ParamGroup g : groups()) {
            for (Tensor p : g.params()) {
                Tensor grad = p.grad();
                if (grad == null) {
                    continue;
                }
                Tensor[] s = state.get(p);
                boolean first = s == null;
                if (first) {
                    s = new Tensor[] {Tensor.unscoped(p.backend(), p.dtype(), p.shape(), p.name() + ".momentum_buffer")};
                    state.put(p, s);
                }
                Ops.runInPlace(Op.SGD_STEP, new Attrs.SgdStep(g.lr, g.momentum, g.dampening, g.nesterov, g.weightDecay, first), p, grad, s[0]);
            }
        }
    }
}
