"""Exports a real torchvision model and writes reference values, for TorchvisionParityTest.

Usage: /usr/bin/python3 make_torchvision_fixtures.py OUT_DIR MODEL
MODEL is resnet18, resnet50 or mobilenet_v2 (torchvision's own classes, random initialisation,
num_classes=1, batch-norm statistics and affine parameters randomised so that mistakes show).
Writes OUT_DIR/MODEL.onnx (training-mode export, opset 13, no constant folding) and
OUT_DIR/MODEL.txt with the input (2 x 3 x 64 x 64), labels, buffers, training-mode logits and
BCE-with-logits loss and eval-mode logits, and OUT_DIR/MODEL.grads.bin with every parameter's
gradient (float64, little-endian, in named_parameters order; gradoffset.<name> in the text file
says where each starts). The models are too large to keep in the repository, so the test runs
this script when torch is installed.

The reference values come from the same model in float64, the exact answer both float32
implementations are measured against, and the fixture also records how far torch's own float32
runs land from it (torcherr.*, the largest over its two memory formats, contiguous and
channels_last, each with 1, 2 and 4 threads: legitimate float32 answers that differ only in the
order they sum in). The thread counts matter: on MobileNetV2 one ReLU6 input lies 3.7e-8 from
its kink in float64, so whether it passes its gradient is decided by rounding; torch with one
thread keeps it and with two or three threads drops it, and every gradient below it then moves
by about 1% (features.18.1.bias: 5e-6 relative error with one thread, 1.1e-2 with two).
Training-mode batch norm over few values per channel makes some
of these gradients ill-conditioned (ResNet-50 at 64x64, batch 2: torch's float32 gradients are
up to 16% of a tensor's largest magnitude away from float64), so the test asks the engine to be
within 1e-4 or within twice torch's own float32 error, whichever is larger, measured per tensor as
the relative L2 error |g - g64| / |g64|. MobileNetV2's classifier Dropout(0.2) is set to p=0 so the
reference is deterministic (the engine's dropout draws its own masks).
"""
import copy
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
import fixtures  # noqa: E402


def main(out_dir, name):
    torch.manual_seed(5)
    model = getattr(torchvision.models, name)(num_classes=1)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    if name == "mobilenet_v2":
        model.classifier[0].p = 0.0
    model.train()
    x = torch.randn(2, 3, 64, 64)
    y = torch.tensor([1.0, 0.0])
    torch.onnx.export(copy.deepcopy(model), x, os.path.join(out_dir, name + ".onnx"), training=torch.onnx.TrainingMode.TRAINING,
                      do_constant_folding=False, opset_version=13, input_names=["x"], output_names=["logits"])
    float32_runs = []
    for memory_format in (torch.contiguous_format, torch.channels_last):
        for threads in (1, 2, 4):
            torch.set_num_threads(threads)
            m32 = copy.deepcopy(model).to(memory_format=memory_format)
            x32 = x.contiguous(memory_format=memory_format)
            logits32 = m32(x32)
            torch.nn.functional.binary_cross_entropy_with_logits(logits32.reshape(-1), y).backward()
            float32_runs.append((m32, x32, threads, logits32.detach().double(), {n: p.grad.reshape(-1).double() for n, p in m32.named_parameters()}))
    model = model.double()
    out = {"x": x, "y": y}
    for n, b in model.named_buffers():
        if b.dtype.is_floating_point:
            out["buffer." + n] = b.detach().clone()
    logits = model(x.double())
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits.reshape(-1), y.double())
    loss.backward()
    out["train.logits"] = logits
    out["torcherr.train.logits"] = max((r[3] - logits.detach()).abs().max() for r in float32_runs)
    out["train.loss"] = loss
    offset = 0
    chunks = []
    for n, p in model.named_parameters():
        g = p.grad.reshape(-1).double()
        out["gradoffset." + n] = torch.tensor(offset, dtype=torch.int64)
        out["torcherr.grad." + n] = max((r[4][n] - g).norm() for r in float32_runs) / g.norm().clamp(min=1e-30)
        chunks.append(g)
        offset += g.numel()
    torch.cat(chunks).numpy().astype("<f8").tofile(os.path.join(out_dir, name + ".grads.bin"))
    model.eval()
    with torch.no_grad():
        out["eval.logits"] = model(x.double())
        errors = []
        for m32, x32, threads, _, _ in float32_runs:
            torch.set_num_threads(threads)
            m32.eval()
            errors.append((m32(x32).double() - out["eval.logits"]).abs().max())
        out["torcherr.eval.logits"] = max(errors)
    fixtures.write(os.path.join(out_dir, name + ".txt"), out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
