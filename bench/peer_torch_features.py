#!/usr/bin/env python3
"""The PyTorch peer of `genbench bench --stage features`, for run_image_bench.py.

The original's evaluation path for a frozen backbone: the PIL + torchvision chain of peer_pil_torchvision.py
(decode, the mandatory evaluation preprocessing seeded per image, Resize(224, antialias), ToTensor,
Normalize(CLIP)) batched by a torch DataLoader with `--threads` worker processes, then the same torchvision
architecture as the ONNX graph genbench runs (built with random weights, classifier replaced by identity, as
models/onnx/export_backbone.py --random-init exports it) in eval mode under torch.inference_mode(), with
torch.set_num_threads(--threads) in the main process and one thread in each worker.

Setup choices, in the peer's favour where they help: --channels-last converts the model and each batch to
channels_last (oneDNN's preferred layout on CPU); the DataLoader prefetches (prefetch_factor 2, its default);
warm-up batches are excluded. jemalloc is not installed here (Debian's python3-torch links glibc malloc).

Prints one JSON object like genbench: images_per_s, batch_ms_p50, batch_ms_p95, images, seconds, peak_rss_mb,
plus the setup.
"""
import argparse
import json
import os
import resource
import time

import numpy as np
import torch
import torchvision

from peer_pil_torchvision import Photos, percentile


def backbone(arch, channels_last):
    torch.manual_seed(0)
    model = torchvision.models.get_model(arch, weights=None)
    for attr in ("classifier", "fc"):
        if hasattr(model, attr):
            setattr(model, attr, torch.nn.Identity())
            break
    model.eval()
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    return model


def worker_init(_):
    torch.set_num_threads(1)


def run(model, files, first, count, args):
    loader = torch.utils.data.DataLoader(Photos(files, first, count, "preprocess"), batch_size=args.batch,
                                         num_workers=args.threads, shuffle=False, worker_init_fn=worker_init,
                                         persistent_workers=False)
    gaps = []
    images = 0
    checksum = 0.0
    start = last = time.perf_counter()
    with torch.inference_mode():
        for batch in loader:
            if args.channels_last:
                batch = batch.contiguous(memory_format=torch.channels_last)
            features = model(batch)
            images += batch.shape[0]
            checksum = float(features.sum())
            now = time.perf_counter()
            gaps.append((now - last) * 1000)
            last = now
    return images, time.perf_counter() - start, sorted(gaps), checksum


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True, help="torchvision architecture, e.g. resnet50, mobilenet_v2")
    ap.add_argument("--photos", required=True)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=32)
    ap.add_argument("--images", type=int, default=128)
    ap.add_argument("--channels-last", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = backbone(args.arch, args.channels_last)
    files = sorted(os.path.join(args.photos, f) for f in os.listdir(args.photos)
                   if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))
    if args.warmup:
        run(model, files, 0, args.warmup, args)
    images, seconds, gaps, checksum = run(model, files, args.warmup, args.images, args)
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
           + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024.0
    print(json.dumps({
        "images_per_s": round(images / seconds, 2), "batch_ms_p50": round(percentile(gaps, 0.5), 2),
        "batch_ms_p95": round(percentile(gaps, 0.95), 2), "images": images, "seconds": round(seconds, 3),
        "peak_rss_mb": round(rss, 1), "model": args.arch, "checksum": checksum,
        "setup": {"loader_workers": args.threads, "torch_threads": args.threads, "channels_last": args.channels_last,
                  "inference_mode": True},
    }))


if __name__ == "__main__":
    main()
