package dev.genbench.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.genbench.engine.Autograd;
import dev.genbench.engine.DType;
import dev.genbench.engine.Fixture;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Tensor;
import dev.genbench.engine.TensorScope;
import dev.genbench.engine.cpu.CpuBackend;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ten optimizer steps under OneCycleLR with global-norm clipping (and, for one run, gradient
 * accumulation) against torch 1.13, from fixtures made by src/test/python/make_optim_fixtures.py:
 * the lr and momentum at every step, the gradient norm, and every parameter after every step
 * (≤ 1e-4, FP32 on the oneDNN backend).
 */
class OptimizerFixtureTest {

    private static final String[] NAMES = {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
    private static final double CLIP = 0.25;
    private static CpuBackend cpu;

    @BeforeAll
    static void open() {
        cpu = CpuBackend.create();
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Test
    void sgdWithMomentumTracksTorch() {
        track("optim_sgd.txt", 0.5, 1, p -> Sgd.create(p, 0.5, 0.9, 0, 1e-4, false));
    }

    @Test
    void nesterovSgdWithGradientAccumulationTracksTorch() {
        track("optim_sgd_nest.txt", 0.5, 2, p -> Sgd.create(p, 0.5, 0.9, 0, 1e-4, true));
    }

    @Test
    void adamWTracksTorch() {
        track("optim_adamw.txt", 0.05, 1, p -> Adam.adamW(p, 0.05, 0.9, 0.999, 1e-8, 0.01));
    }

    @Test
    void adamTracksTorch() {
        track("optim_adam.txt", 0.05, 1, p -> Adam.adam(p, 0.05, 0.9, 0.999, 1e-8, 1e-3));
    }

    private static void track(String fixture, double maxLr, int accumulate, Function<List<Tensor>, Optimizer> make) {
        Fixture f = Fixture.load(fixture);
        Tensor[] params = new Tensor[NAMES.length];
        for (int i = 0; i < NAMES.length; i++) {
            params[i] = Tensor.unscoped(cpu, DType.FP32, f.get("init." + NAMES[i]).shape(), NAMES[i]);
            params[i].copyFrom(f.get("init." + NAMES[i]).values());
            params[i].requiresGrad(true);
        }
        try (Optimizer opt = make.apply(List.of(params))) {
            OneCycleLR sched = new OneCycleLR(opt, OneCycleLR.Config.defaults(maxLr, 10));
            int micro = 0;
            for (int step = 0; step < 10; step++) {
                ParamGroup g = opt.groups().get(0);
                assertEquals(f.scalar("step" + step + ".lr"), g.lr(), 1e-12, "lr at step " + step);
                assertEquals(f.scalar("step" + step + ".momentum"), opt.usesBetas() ? g.beta1() : g.momentum(), 1e-12, "momentum at step " + step);
                for (int k = 0; k < accumulate; k++, micro++) {
                    try (TensorScope s = TensorScope.open()) {
                        Tensor x = f.tensor(cpu, DType.FP32, "batch" + micro + ".x");
                        Tensor y = f.tensor(cpu, DType.FP32, "batch" + micro + ".y");
                        Tensor h = Ops.relu(Ops.add(Ops.matmul(x, Ops.transposeLast2(params[0])), params[1]));
                        Tensor logits = Ops.reshape(Ops.add(Ops.matmul(h, Ops.transposeLast2(params[2])), params[3]), y.shape());
                        Tensor loss = Ops.bceWithLogits(logits, y, true);
                        if (accumulate > 1) {
                            loss = Ops.mul(loss, Ops.scalar(loss, 1.0 / accumulate));
                        }
                        Autograd.backward(loss);
                    }
                }
                double norm = GradClip.clipGradNorm(List.of(params), CLIP);
                assertEquals(f.scalar("step" + step + ".gradnorm"), norm, 1e-5, "gradient norm at step " + step);
                opt.step();
                opt.zeroGrad();
                sched.step();
                for (int i = 0; i < NAMES.length; i++) {
                    double[] expected = f.get("step" + step + "." + NAMES[i]).values();
                    double[] got = params[i].toDoubles();
                    for (int j = 0; j < expected.length; j++) {
                        if (Math.abs(expected[j] - got[j]) > 1e-4) {
                            fail(fixture + ": step " + step + " " + NAMES[i] + "[" + j + "] = " + got[j] + ", torch " + expected[j]);
                        }
                    }
                }
            }
            var e = assertThrows(IllegalStateException.class, () -> {
                sched.step();
                sched.step();
            });
            assertEquals(true, e.getMessage().contains("total_steps 10"), e.getMessage());
        } finally {
            for (Tensor p : params) {
                p.close();
            }
        }
    }
}
