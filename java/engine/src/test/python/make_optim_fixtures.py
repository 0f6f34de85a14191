"""Makes optimizer/scheduler fixtures for OptimizerFixtureTest with Debian's python3-torch.

A tiny MLP (6 -> 5 -> ReLU -> 1) trained with BCE-with-logits (mean) for ten optimizer steps under
OneCycleLR (torch defaults but max_lr and total_steps), gradients clipped to a global L2 norm of
0.25 as Lightning's gradient_clip_val does (0.25 rather than the configs' 1.0 so that clipping acts
on most steps of this small model), in four runs:
  sgd        SGD momentum 0.9, weight_decay 1e-4, one micro-batch per step
  sgd_nest   SGD nesterov, dampening 0, weight_decay 1e-4, accumulate 2 micro-batches per step
             (each micro-batch loss divided by 2, as Lightning does)
  adamw      AdamW weight_decay 0.01
  adam       Adam (L2) weight_decay 1e-3
Each fixture holds the initial parameters, every micro-batch, the lr and momentum (or beta1) used at
every step, and the parameters after every step.

Run from the repository root:
  /usr/bin/python3 java/engine/src/test/python/make_optim_fixtures.py
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import fixtures  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures")
STEPS = 10
CLIP = 0.25


def model():
    torch.manual_seed(7)
    return torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 1))


def run(name, make_opt, max_lr, accumulate):
    net = model()
    names = ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    params = list(net.parameters())
    opt = make_opt(params)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=STEPS)
    out = {}
    for n, p in zip(names, params):
        out["init." + n] = p.detach().clone()
    gen = torch.Generator().manual_seed(11)
    micro = 0
    for step in range(STEPS):
        g = opt.param_groups[0]
        out[f"step{step}.lr"] = torch.tensor(g["lr"], dtype=torch.float64)
        mom = g["betas"][0] if "betas" in g else g["momentum"]
        out[f"step{step}.momentum"] = torch.tensor(mom, dtype=torch.float64)
        for _ in range(accumulate):
            x = torch.randn(8, 6, generator=gen)
            y = (torch.rand(8, generator=gen) > 0.5).float()
            out[f"batch{micro}.x"] = x
            out[f"batch{micro}.y"] = y
            logits = net(x).reshape(-1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y) / accumulate
            loss.backward()
            micro += 1
        out[f"step{step}.gradnorm"] = torch.nn.utils.clip_grad_norm_(params, CLIP).to(torch.float64)
        opt.step()
        opt.zero_grad()
        sched.step()
        for n, p in zip(names, params):
            out[f"step{step}.{n}"] = p.detach().clone()
    fixtures.write(os.path.join(OUT, f"optim_{name}.txt"), out)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    run("sgd", lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.9, weight_decay=1e-4), 0.5, 1)
    run("sgd_nest", lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.9, nesterov=True, weight_decay=1e-4), 0.5, 2)
    run("adamw", lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.01), 0.05, 1)
    run("adam", lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=1e-3), 0.05, 1)
    print("wrote optimizer fixtures to", os.path.normpath(OUT))
