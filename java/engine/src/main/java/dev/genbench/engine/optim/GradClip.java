package dev.genbench.engine.optim;

import dev.genbench.engine.GradMode;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.TensorScope;
import java.util.Collection;

/** Gradient clipping by the global L2 norm, as torch.nn.utils.clip_grad_norm_ (and Lightning's gradient_clip_val). */
public final class GradClip {
    private GradClip() {}

    /**
     * Scales every gradient by min(1, maxNorm / (norm + 1e-6)) where norm is the L2 norm of all
     * gradients together; returns that norm. Parameters without a gradient are ignored.
     */
    public static double clipGradNorm(Collection<Tensor> params, double maxNorm) {
        double sumSq = 0;
        try (GradMode _ = GradMode.off(); TensorScope _ = TensorScope.open()) {
            for (Tensor p : params) {
                if (p.grad() != null) {
                    Tensor g = p.grad();
                    sumSq += Ops.sum(Ops.mul(g, g), false).item();
                }
            }
        }
        double norm = Math.sqrt(sumSq);
        double coef = Math.min(1.0, maxNorm / (norm + 1e-6));
        // torch multiplies even when the coefficient is 1; skipping that is exact and saves a pass.
        if (coef < 1.0) {
            for (Tensor p : params) {
                if (p.grad() != null) {
                    Ops.scaleInto(p.grad(), coef);
                }
            }
        }
        return norm;
    }
}
