package dev.genbench.engine.optim;

import dev.genbench.engine.Tensor;
import java.util.List;

/**
 * A group of parameters sharing hyper-parameters, as torch's {@code param_groups} entries. The
 * hyper-parameters are mutable because schedulers change {@code lr} and {@code momentum} (or
 * Adam's beta1) every step. Not thread-safe; owned by its {@link Optimizer}. The parameters are
 * owned by the model, not by the group.
 */
public final class ParamGroup {
    private final List<Tensor> params;
    double lr;
    double momentum;
    double dampening;
    boolean nesterov;
    double weightDecay;
    double beta1;
    double beta2;
    double epsilon;

    ParamGroup(List<Tensor> params) {
        this.params = List.copyOf(params);
        for (Tensor p : this.params) {
            if (!p.requiresGrad()) {
                throw new IllegalArgumentException("parameter '" + p.name() + "' does not require a gradient; mark it requiresGrad or leave it out of the optimizer");
            }
        }
    }

    public List<Tensor> params() {
        return params;
    }

    public double lr() {
        return lr;
    }

    public void lr(double value) {
        lr = value;
    }

    /** SGD's momentum, or Adam's beta1: the value OneCycleLR cycles. */
    public double momentum() {
        return momentum;
    }

    public void momentum(double value) {
        momentum = value;
    }

    public double beta1() {
        return beta1;
    }

    public void beta1(double value) {
        beta1 = value;
    }

    public double weightDecay() {
        return weightDecay;
    }
}
