package dev.genbench.engine;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Finite-difference check of the autodiff: for f(inputs) -> tensor, the scalar probe
 * L = sum(f(inputs) * R) with a fixed random R exercises every output element; the analytic
 * d L / d input from {@link Autograd} must match central differences of L.
 */
final class GradCheck {
    private GradCheck() {}

    /** Tolerance: |analytic - numeric| <= atol + rtol * |numeric|. */
    record Tolerance(double eps, double atol, double rtol) {
        static final Tolerance FP64 = new Tolerance(1e-6, 1e-7, 1e-5);
    }

    static void check(String name, Backend backend, DType dtype, List<Tensor> inputs, Function<List<Tensor>, Tensor> f, Tolerance tol) {
        Random rnd = new Random(name.hashCode());
        Tensor probe;
        Tensor out;
        try (GradMode off = GradMode.off()) {
            out = f.apply(inputs);
        }
        double[] r = new double[Math.toIntExact(out.elementCount())];
        for (int i = 0; i < r.length; i++) {
            r[i] = rnd.nextDouble() * 2 - 1;
        }
        probe = Tensor.of(backend, dtype, out.shape(), r);
        for (Tensor t : inputs) {
            if (t.requiresGrad()) {
                t.zeroGrad();
            }
        }
        Tensor loss = Ops.sum(Ops.mul(f.apply(inputs), probe), false);
        Autograd.backward(loss);
        for (int k = 0; k < inputs.size(); k++) {
            Tensor x = inputs.get(k);
            if (!x.requiresGrad()) {
                continue;
            }
            if (x.grad() == null) {
                fail(name + ": input " + k + " ('" + x.name() + "') got no gradient");
            }
            double[] analytic = x.grad().toDoubles();
            double[] values = x.toDoubles();
            int mismatches = 0;
            StringBuilder msg = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                double keep = values[i];
                values[i] = keep + tol.eps();
                x.copyFrom(values);
                double plus = probeLoss(f, inputs, probe);
                values[i] = keep - tol.eps();
                x.copyFrom(values);
                double minus = probeLoss(f, inputs, probe);
                values[i] = keep;
                x.copyFrom(values);
                double numeric = (plus - minus) / (2 * tol.eps());
                if (!(Math.abs(analytic[i] - numeric) <= tol.atol() + tol.rtol() * Math.abs(numeric))) {
                    if (mismatches++ < 10) {
                        msg.append(String.format("%n  input %d ('%s') index %d: analytic %.10g, numeric %.10g", k, x.name(), i, analytic[i], numeric));
                    }
                }
            }
            if (mismatches > 0) {
                fail(name + ": " + mismatches + " gradient mismatches" + msg);
            }
        }
    }

    private static double probeLoss(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Tensor probe) {
        try (GradMode off = GradMode.off(); TensorScope s = TensorScope.open()) {
            return Ops.sum(Ops.mul(f.apply(inputs), probe), false).item();
        }
    }

    static Tensor random(Backend b, DType t, Random rnd, double lo, double hi, int... dims) {
        Shape s = Shape.of(dims);
        double[] v = new double[Math.toIntExact(s.elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return Tensor.of(b, t, s, v);
    }
}
