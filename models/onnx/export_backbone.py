#!/usr/bin/env python3
"""Export a frozen backbone to ONNX for genbench, up to the features the original's head reads.

Run it where PyTorch and the model's package (and, unless --random-init, its weights) are:

    python3 models/onnx/export_backbone.py --family torchvision --model resnet50 --out models/onnx
    python3 models/onnx/export_backbone.py --family openai_clip --model RN50 --out models/onnx
    python3 models/onnx/export_backbone.py --family openclip --model clipL14commonpool --out models/onnx
    python3 models/onnx/export_backbone.py --family dinov2 --model dinov2_vitl14 --out models/onnx

It writes <name>.onnx (input `pixel_values` [N, 3, H, W], float32, already normalised; output
`features` [N, D]) and <name>.yaml, the model card genbench reads. --random-init builds the same
architecture without weights (no download), to test the pipeline where weights cannot be had.

What "features" means follows the original (SPEC §11): the image tower's output for OpenAI CLIP
(not normalised), OpenCLIP's visual output L2-normalised, DINOv2's CLS token after the final norm,
and for torchvision/timm the input of the classifier layer (the layer itself is removed).
"""
import argparse
import os
import sys

import torch

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]

OPENCLIP_MODELS = {
    # genbench/original name: (open_clip architecture, pretrained tag)
    "clipL14openai": ("ViT-L-14", "openai"),
    "clipL14laion400m": ("ViT-L-14", "laion400m_e32"),
    "clipL14laion2B": ("ViT-L-14", "laion2b_s32b_b82k"),
    "clipL14datacomp": ("hf-hub:laion/CLIP-ViT-L-14-DataComp.XL-s13B-b90K", None),
    "clipL14commonpool": ("hf-hub:laion/CLIP-ViT-L-14-CommonPool.XL-s13B-b90K", None),
    "clipaL14datacomp": ("ViT-L-14-CLIPA", "datacomp1b"),
    "cocaL14laion2B": ("coca_ViT-L-14", "laion2b_s13b_b90k"),
    "clipg14laion2B": ("ViT-g-14", "laion2b_s34b_b88k"),
    "eva2L14merged2b": ("EVA02-L-14", "merged2b_s4b_b131k"),
    "clipB16laion2B": ("ViT-B-16", "laion2b_s34b_b88k"),
}


class Features(torch.nn.Module):
    """Wraps a module so that forward(pixel_values) returns [N, D] features."""

    def __init__(self, body, l2_normalize=False):
        super().__init__()
        self.body = body
        self.l2_normalize = l2_normalize

    def forward(self, pixel_values):
        f = self.body(pixel_values)
        if isinstance(f, (tuple, list)):
            f = f[0]
        f = f.reshape(f.shape[0], -1)
        if self.l2_normalize:
            f = torch.nn.functional.normalize(f, dim=-1)
        return f


def strip_classifier(model):
    """Replaces the first of classifier/head/heads/fc (a single linear layer) by identity, as the original does."""
    for attr in ("classifier", "head", "heads", "fc"):
        layer = getattr(model, attr, None)
        if layer is None:
            continue
        # Sequential(Linear) or Sequential(Dropout, ..., Linear) (MobileNetV2, EfficientNet): dropout is the
        # identity in eval mode, so the features are the Linear's input either way.
        if (isinstance(layer, torch.nn.Sequential) and len(layer) >= 1 and isinstance(layer[-1], torch.nn.Linear)
                and all(isinstance(m, torch.nn.Dropout) for m in layer[:-1])):
            layer = layer[-1]
        if isinstance(layer, torch.nn.Linear):
            setattr(model, attr, torch.nn.Identity())
            return model, layer.in_features
        raise SystemExit(f"{type(model).__name__}.{attr} is not a single linear layer; this model has no plain probe head")
    raise SystemExit(f"{type(model).__name__} has none of classifier/head/heads/fc")


def build(family, name, random_init):
    """Returns (module producing features, licence note)."""
    if family == "torchvision":
        import torchvision
        model = torchvision.models.get_model(name, weights=None if random_init else "DEFAULT")
        model, _ = strip_classifier(model)
        return Features(model), "BSD-3-Clause (torchvision code); weights: see torchvision's model documentation"
    if family == "timm":
        import timm
        model = timm.create_model(name, pretrained=not random_init, num_classes=0)
        return Features(model), "Apache-2.0 (timm code); weights: see the model's timm card"
    if family == "openai_clip":
        import clip
        model, _ = clip.load(name, device="cpu", jit=False)
        if random_init:
            for p in model.parameters():
                torch.nn.init.normal_(p, std=0.02)
        return Features(model.visual.float()), "MIT (OpenAI CLIP)"
    if family == "openclip":
        import open_clip
        arch, tag = OPENCLIP_MODELS[name]
        model = open_clip.create_model(arch, pretrained=None if random_init else tag)
        return Features(model.visual, l2_normalize=True), "MIT (OpenCLIP code); weights: see the checkpoint's card"
    if family == "dinov2":
        model = torch.hub.load("facebookresearch/dinov2", name, pretrained=not random_init)
        return Features(model), "Apache-2.0 (DINOv2)"
    raise SystemExit(f"unknown family {family!r}")


def write_card(path, name, family, onnx_file, size, width, licence, random_init):
    lines = [
        f"# Model card written by export_backbone.py ({'random-init architecture, no weights' if random_init else 'pretrained weights'}).",
        f"name: {name}",
        f"family: {family}",
        f"onnx: {onnx_file}",
        "input:",
        f"  size: [{size}, {size}]",
        "  layout: NCHW",
        "  range: unit",
        f"  mean: {CLIP_MEAN}",
        f"  std: {CLIP_STD}",
        "  name: pixel_values",
        "features:",
        "  - output: features",
        "    pooling: none",
        f"    width: {width}",
        f"license: \"{licence}\"",
        f"pretrained: {'false' if random_init else 'true'}",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", required=True, choices=["torchvision", "timm", "openai_clip", "openclip", "dinov2"])
    ap.add_argument("--model", required=True, help="the original's base name, e.g. resnet50, RN50, clipL14commonpool, dinov2_vitl14")
    ap.add_argument("--name", help="card name (default: the model name without '/' and '@')")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--random-init", action="store_true", help="build the architecture without downloading weights")
    args = ap.parse_args()

    torch.manual_seed(0)
    module, licence = build(args.family, args.model, args.random_init)
    module.eval()
    name = args.name or args.model.replace("/", "-").replace("@", "-")
    os.makedirs(args.out, exist_ok=True)
    onnx_file = f"{name}.onnx"
    dummy = torch.randn(2, 3, args.size, args.size)
    with torch.no_grad():
        width = module(dummy).shape[1]
    # Traced with gradients enabled: under no_grad, torch's attention takes a fused "fast path"
    # (_native_multi_head_attention) that has no ONNX export.
    torch.onnx.export(module, dummy, os.path.join(args.out, onnx_file), input_names=["pixel_values"],
                      output_names=["features"], dynamic_axes={"pixel_values": {0: "batch"}, "features": {0: "batch"}},
                      opset_version=args.opset, do_constant_folding=True)
    write_card(os.path.join(args.out, f"{name}.yaml"), name, args.family, onnx_file, args.size, width, licence, args.random_init)
    print(f"wrote {os.path.join(args.out, onnx_file)} ({width}-d features) and its card {name}.yaml", file=sys.stderr)


if __name__ == "__main__":
    main()
