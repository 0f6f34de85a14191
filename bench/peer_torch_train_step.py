#!/usr/bin/env python3
"""PyTorch peer of `genbench bench --stage train-step`: one training step of a torchvision model
(forward, BCE-with-logits loss, backward, SGD with momentum 0.9) in train mode (batch norm uses and
updates batch statistics), fp32, timed at steady state after a warm-up. Prints one JSON object.

Usage (Debian's /usr/bin/python3 with python3-torch and python3-torchvision):
    /usr/bin/python3 bench/peer_torch_train_step.py --model resnet50 [--batch 16] [--size 224]
        [--threads 2] [--warmup 3] [--iters 5] [--layout channels_last|nchw]
    /usr/bin/python3 bench/peer_torch_train_step.py --model resnet50 --export models/onnx/trainstep_resnet50.onnx

--export writes the same model (same seed, random initialisation, one-logit head) as a training-mode
ONNX graph (batch norm kept as BatchNormalization, not folded into the convolutions, input `x`,
output `logits`) for genbench to import, so both sides train the same architecture and weights.
The allocator is the process's: run it with LD_PRELOAD=libjemalloc.so.2 for the jemalloc setup
(bench/run_train_step_bench.py does); the JSON says which one was loaded.
"""
import argparse
import json
import os
import resource
import sys
import time

import torch
import torchvision

MODELS = {"resnet50": "resnet50", "mobilenetv2": "mobilenet_v2"}


def build(name):
    torch.manual_seed(0)
    return getattr(torchvision.models, MODELS[name])(num_classes=1)


def export(model, size, path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    model.train()
    torch.onnx.export(model, torch.randn(2, 3, size, size), path, training=torch.onnx.TrainingMode.TRAINING,
                      do_constant_folding=False, opset_version=13, input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
    print(f"wrote {path}", file=sys.stderr)


def allocator():
    preload = os.environ.get("LD_PRELOAD", "")
    return "jemalloc" if "jemalloc" in preload else "glibc malloc"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=sorted(MODELS), required=True)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--warmup", type=int, default=3, help="steps run before timing starts")
    ap.add_argument("--iters", type=int, default=5, help="timed steps")
    ap.add_argument("--layout", choices=["channels_last", "nchw"], default="channels_last")
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--export", metavar="ONNX", help="write the model as a training-mode ONNX graph and exit")
    args = ap.parse_args()

    model = build(args.model)
    if args.export:
        export(model, args.size, args.export)
        return
    torch.set_num_threads(args.threads)
    fmt = torch.channels_last if args.layout == "channels_last" else torch.contiguous_format
    model = model.to(memory_format=fmt)
    model.train()
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(args.batch, 3, args.size, args.size, generator=gen).to(memory_format=fmt)
    y = (torch.rand(args.batch, generator=gen) < 0.5).float()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)

    def step():
        opt.zero_grad(set_to_none=True)
        logits = model(x)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits.reshape(-1), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    times = []
    loss = 0.0
    for _ in range(args.iters):
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
    seconds = sum(times)
    print(json.dumps({
        "model": args.model, "batch": args.batch, "size": args.size, "threads": args.threads,
        "layout": args.layout, "allocator": allocator(), "warmup_steps": args.warmup, "steps": args.iters,
        "images_per_s": round(args.batch * args.iters / seconds, 3),
        "step_s": [round(t, 4) for t in times], "last_loss": loss,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
        "torch": torch.__version__, "torchvision": torchvision.__version__,
    }))


if __name__ == "__main__":
    main()
