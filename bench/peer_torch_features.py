#!/usr/bin/env python3
"""The PyTorch peer of `genbench bench --stage cache` and `--stage backbone`, for run_probe_bench.py.

cache (default): the original's evaluation path for a frozen backbone: the PIL + torchvision chain of peer_pil_torchvision.py
(decode, the mandatory evaluation preprocessing seeded per image, Resize(224, antialias), ToTensor,
Normalize(CLIP)) batched by a torch DataLoader with `--threads` worker processes, then the same torchvision
architecture as the ONNX graph genbench runs (built with random weights, classifier replaced by identity, as
models/onnx/export_backbone.py --random-init exports it) in eval mode under torch.inference_mode(), with
torch.set_num_threads(--threads) in the main process and one thread in each worker. With --write-features DIR
the features go into an fp16 np.memmap there (deleted at the end), as genbench writes its feature cache.

backbone (--tensors FILE.npz): only the model, on the float32 batch 'pixels' that `genbench bench --stage
backbone --tensors FILE.npz` wrote (the same tensors genbench runs), --warmup then --images batches.

Setup choices, in the peer's favour where they help: --channels-last converts the model and each batch to
channels_last (oneDNN's preferred layout on CPU); the DataLoader prefetches (prefetch_factor 2, its default);
warm-up batches are excluded. run_probe_bench.py starts it with jemalloc preloaded and told to keep freed
memory mapped (research/ENGINE-ONEDNN.md: fresh pages otherwise cost PyTorch up to 2x), and with
OMP_WAIT_POLICY=PASSIVE (its OpenMP threads otherwise spin while waiting, which on a shared machine costs 5-10x).

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


def run(model, files, first, count, args, sink=None):
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
            if sink is not None:
                sink[images:images + batch.shape[0]] = features.numpy().astype(np.float16)
            images += batch.shape[0]
            checksum = float(features.sum())
            now = time.perf_counter()
            gaps.append((now - last) * 1000)
            last = now
    return images, time.perf_counter() - start, sorted(gaps), checksum


def run_tensors(model, pixels, batches, channels_last):
    """The model alone on one preprocessed batch, `batches` times; returns the per-batch milliseconds."""
    if channels_last:
        pixels = pixels.contiguous(memory_format=torch.channels_last)
    times = []
    checksum = 0.0
    with torch.inference_mode():
        for _ in range(batches):
            start = time.perf_counter()
            features = model(pixels)
            times.append((time.perf_counter() - start) * 1000)
            checksum = float(features.sum())
    return times, checksum


def backbone_only(model, args):
    pixels = torch.from_numpy(np.load(args.tensors)["pixels"])
    run_tensors(model, pixels, args.warmup, args.channels_last)
    times, checksum = run_tensors(model, pixels, args.images, args.channels_last)
    images = args.images * pixels.shape[0]
    seconds = sum(times) / 1000
    print(json.dumps({
        "images_per_s": round(images / seconds, 2), "batch_ms_p50": round(percentile(sorted(times), 0.5), 2),
        "batch_ms_p95": round(percentile(sorted(times), 0.95), 2), "images": images, "batch": pixels.shape[0],
        "seconds": round(seconds, 3), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
        "model": args.arch, "checksum": checksum,
        "setup": {"torch_threads": args.threads, "channels_last": args.channels_last, "inference_mode": True,
                  "malloc": os.path.basename(os.environ.get("LD_PRELOAD", "glibc")),
                  "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default")},
    }))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True, help="torchvision architecture, e.g. resnet50, mobilenet_v2")
    ap.add_argument("--photos", help="cache: the photos (cycled)")
    ap.add_argument("--tensors", help="backbone: an .npz whose float32 array 'pixels' is the batch; --warmup and"
                                      " --images then count batches")
    ap.add_argument("--write-features", metavar="DIR", help="cache: write the features to an fp16 np.memmap in DIR")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=32)
    ap.add_argument("--images", type=int, default=128)
    ap.add_argument("--channels-last", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = backbone(args.arch, args.channels_last)
    if args.tensors:
        backbone_only(model, args)
        return
    if not args.photos:
        ap.error("give --photos DIR (cache) or --tensors FILE.npz (backbone)")
    files = sorted(os.path.join(args.photos, f) for f in os.listdir(args.photos)
                   if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))
    if args.warmup:
        run(model, files, 0, args.warmup, args)
    sink = None
    if args.write_features:
        os.makedirs(args.write_features, exist_ok=True)
        with torch.inference_mode():
            width = int(model(torch.zeros(1, 3, 224, 224)).shape[1])
        path = os.path.join(args.write_features, f"peer-{os.getpid()}.f16")
        sink = np.lib.format.open_memmap(path, mode="w+", dtype=np.float16, shape=(args.images, width))
    images, seconds, gaps, checksum = run(model, files, args.warmup, args.images, args, sink)
    if sink is not None:
        sink.flush()
        del sink
        os.remove(path)
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
           + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024.0
    print(json.dumps({
        "images_per_s": round(images / seconds, 2), "batch_ms_p50": round(percentile(gaps, 0.5), 2),
        "batch_ms_p95": round(percentile(gaps, 0.95), 2), "images": images, "seconds": round(seconds, 3),
        "peak_rss_mb": round(rss, 1), "model": args.arch, "checksum": checksum,
        "setup": {"loader_workers": args.threads, "torch_threads": args.threads, "channels_last": args.channels_last,
                  "inference_mode": True, "writes_features": bool(args.write_features),
                  "malloc": os.path.basename(os.environ.get("LD_PRELOAD", "glibc")),
                  "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default")},
    }))


if __name__ == "__main__":
    main()
