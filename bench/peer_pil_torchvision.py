#!/usr/bin/env python3
"""The PIL + torchvision peer of genbench's image stages, for run_image_bench.py.

It does what the original AI-GenBench evaluation path does per image, with the libraries Debian ships
(python3-pil, python3-torchvision, python3-torch, python3-numpy):
  decode      PIL open, exif_transpose when an orientation tag is present, convert("RGB")
  preprocess  decode, then the mandatory evaluation preprocessing (SPEC §6.2): RandomCropIfLarge(1080),
              RandomGrayscale(0.1), JPEG p=0.5, Gaussian noise p=0.3, JPEG p=0.2,
              RandomResizedCropVariable p=0.25, JPEG p=0.1; then Resize(224, antialias) + ToTensor +
              Normalize(CLIP), batched by a torch DataLoader with the same number of workers.
Differences from the original, all in the peer's favour or neutral: the JPEG step always uses PIL (the
original also picks OpenCV half the time; python3-opencv is not installed here), and the noise is NumPy's
instead of albumentations' (same distribution, σ = u·255, u ~ U(0.015, 0.075), per channel).
Per-item seeding follows SPEC §5 (random, numpy and torch reseeded with 4321 + index).

Prints one JSON object like ImageBench: images_per_s, batch_ms_p50, batch_ms_p95, images, seconds,
peak_rss_mb (this process and its workers).
"""
import argparse
import io
import json
import os
import random
import resource
import time

import numpy as np
import torch
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image, ImageOps

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


def decode(data):
    img = Image.open(io.BytesIO(data))
    img.load()
    if img.getexif().get(0x0112) is not None:
        img = ImageOps.exif_transpose(img)
    return img.convert("RGB")


def crop_if_large(img, threshold):
    w, h = img.size
    if w <= threshold and h <= threshold:
        return img
    cw, ch = min(w, threshold), min(h, threshold)
    left = 0 if w - cw <= 0 else int(torch.randint(0, w - cw, (1,)))
    top = 0 if h - ch <= 0 else int(torch.randint(0, h - ch, (1,)))
    return img.crop((left, top, left + cw, top + ch))


def jpeg(img, p):
    if torch.rand(1).item() >= p:
        return img
    random.choice(["cv2", "pil"])  # drawn as the original does; PIL encodes either way here
    quality = min(100, random.choice([50, 101]))
    buf = io.BytesIO()
    img.save(buf, format="jpeg", quality=quality)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out.convert("RGB")


def noise(img, p):
    if np.random.random() >= p:
        return img
    sigma = np.random.uniform(0.015, 0.075) * 255.0
    arr = np.asarray(img, dtype=np.float32)
    arr = arr + np.random.normal(0.0, sigma, arr.shape).astype(np.float32)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def rrc_variable(img, p):
    if torch.rand(1).item() >= p:
        return img
    size = random.randint(256, 512)
    interpolation = random.choice([T.InterpolationMode.BILINEAR, T.InterpolationMode.BICUBIC,
                                   T.InterpolationMode.LANCZOS])
    return T.RandomResizedCrop(size, scale=(0.5, 1.0), ratio=(0.9, 1 / 0.9), interpolation=interpolation)(img)


class Photos(torch.utils.data.Dataset):
    def __init__(self, files, first, count, stage):
        self.files, self.first, self.count, self.stage = files, first, count, stage
        self.grayscale = T.RandomGrayscale(p=0.1)

    def __len__(self):
        return self.count

    def __getitem__(self, k):
        index = self.first + k
        seed = 4321 + index
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        with open(self.files[index % len(self.files)], "rb") as f:
            img = decode(f.read())
        if self.stage == "decode":
            return torch.tensor(img.size[0])
        img = crop_if_large(img, 1080)
        img = self.grayscale(img)
        img = jpeg(img, 0.5)
        img = noise(img, 0.3)
        img = jpeg(img, 0.2)
        img = rrc_variable(img, 0.25)
        img = jpeg(img, 0.1)
        img = F.resize(img, [224, 224], interpolation=T.InterpolationMode.BILINEAR, antialias=True)
        return F.normalize(F.to_tensor(img), CLIP_MEAN, CLIP_STD)


def run(files, first, count, args):
    loader = torch.utils.data.DataLoader(Photos(files, first, count, args.stage), batch_size=args.batch,
                                         num_workers=args.threads, shuffle=False)
    gaps = []
    images = 0
    start = last = time.perf_counter()
    for batch in loader:
        images += batch.shape[0]
        now = time.perf_counter()
        gaps.append((now - last) * 1000)
        last = now
    return images, time.perf_counter() - start, sorted(gaps)


def percentile(sorted_values, q):
    if not sorted_values:
        return 0.0
    i = max(0, min(len(sorted_values) - 1, int(np.ceil(q * len(sorted_values))) - 1))
    return sorted_values[i]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stage", choices=["decode", "preprocess"], default="preprocess")
    ap.add_argument("--photos", required=True)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=64)
    ap.add_argument("--images", type=int, default=256)
    args = ap.parse_args()
    torch.set_num_threads(1)
    files = sorted(os.path.join(args.photos, f) for f in os.listdir(args.photos)
                   if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))
    if args.warmup:
        run(files, 0, args.warmup, args)
    images, seconds, gaps = run(files, args.warmup, args.images, args)
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({
        "images_per_s": round(images / seconds, 2),
        "batch_ms_p50": round(percentile(gaps, 0.5), 2),
        "batch_ms_p95": round(percentile(gaps, 0.95), 2),
        "images": images,
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(rss_kb / 1024.0, 1),
    }))


if __name__ == "__main__":
    main()
