#!/usr/bin/env python3
"""Writes a large synthetic dataset for memory tests: a CSV manifest (split,path,generator) whose rows reuse a
few small JPEGs cut from real photos, and the generators.csv catalogue beside it.

    /usr/bin/python3 bench/make_synthetic_manifest.py --photos DIR --out DIR [--train 100000] [--validation 2000]
        [--generators 4] [--tiles 64] [--size 64]

Train rows alternate real and fake (fakes spread over the generators in turn); the images are --tiles
crops of --size px from the photos (PIL), so the dataset costs little disk but every row is a real decode.
"""
import argparse
import csv
import os
import random

from PIL import Image


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--train", type=int, default=100_000)
    ap.add_argument("--validation", type=int, default=2_000)
    ap.add_argument("--generators", type=int, default=4)
    ap.add_argument("--tiles", type=int, default=64)
    ap.add_argument("--size", type=int, default=64)
    args = ap.parse_args()
    rng = random.Random(1)
    photos = sorted(os.path.join(args.photos, f) for f in os.listdir(args.photos)
                    if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))
    os.makedirs(os.path.join(args.out, "tiles"), exist_ok=True)
    tiles = []
    for t in range(args.tiles):
        with Image.open(photos[t % len(photos)]) as img:
            img = img.convert("RGB")
            x, y = rng.randrange(max(1, img.width - args.size)), rng.randrange(max(1, img.height - args.size))
            name = f"tiles/t{t:03d}.jpg"
            img.crop((x, y, x + args.size, y + args.size)).save(os.path.join(args.out, name), quality=90)
            tiles.append(name)
    generators = [f"Gen{g}" for g in range(args.generators)]
    with open(os.path.join(args.out, "generators.csv"), "w") as f:
        for g, name in enumerate(generators):
            f.write(f"{name},2021-{g % 12 + 1:02d}-01\n")
    with open(os.path.join(args.out, "manifest.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["split", "path", "generator"])
        for split, rows in (("train", args.train), ("validation", args.validation)):
            for i in range(rows):
                generator = "real" if i % 2 == 0 else generators[(i // 2) % len(generators)]
                w.writerow([split, tiles[i % len(tiles)], generator])
    print(f"wrote {args.train} train and {args.validation} validation rows to {os.path.join(args.out, 'manifest.csv')}")


if __name__ == "__main__":
    main()
