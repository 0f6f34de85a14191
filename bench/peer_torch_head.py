#!/usr/bin/env python3
"""The PyTorch peer of `genbench bench --stage head`, for run_probe_bench.py.

One epoch of a linear probe head over the very feature cache genbench trained on (its fp16 shards, read
through its index.json): torch.nn.Linear(width, 1), BCEWithLogitsLoss (mean), clip_grad_norm_, SGD with
momentum and weight decay, OneCycleLR(max_lr=lr, total_steps=steps) stepped after each step, shuffled
batches with the last incomplete one dropped; row r has label r % 2, as genbench's synthetic cache.
torch.set_num_threads(--threads).

--source memory: all shards read into one fp16 tensor first (not timed), each batch gathered from it and
converted to float32. --source memmap: the shards as np.memmap, each batch gathered from them.
--warmup epochs (each with a fresh head) run before the timed one.

Prints one JSON object: epoch_seconds, rows_per_s, steps, load_seconds, peak_rss_mb, the setup.
"""
import argparse
import json
import os
import resource
import time

import numpy as np
import torch


def shards(folder):
    with open(os.path.join(folder, "index.json")) as f:
        index = json.load(f)
    if index["precision"] != "fp16":
        raise SystemExit(f"{folder}: only fp16 caches are read here, not {index['precision']}")
    rows, width, per_shard = index["rows"], index["width"], index["rows_per_shard"]
    maps = []
    for s, name in enumerate(index["shards"]):
        count = min(per_shard, rows - s * per_shard)
        maps.append(np.memmap(os.path.join(folder, name), dtype=np.float16, mode="r", shape=(count, width)))
    return rows, width, per_shard, maps


def batches_from_memory(maps):
    features = torch.from_numpy(np.concatenate([np.asarray(m) for m in maps]))

    def get(idx):
        return features[idx].float(), (idx % 2).float()
    return get


def batches_from_memmap(maps, per_shard):
    def get(idx):
        idx = idx.numpy()
        shard = idx // per_shard
        parts, labels = [], []
        for s in np.unique(shard):
            sel = idx[shard == s]
            parts.append(maps[s][sel - s * per_shard])
            labels.append(sel % 2)
        return torch.from_numpy(np.concatenate(parts)).float(), torch.from_numpy(np.concatenate(labels)).float()
    return get


def epoch(get, rows, width, args, seed):
    torch.manual_seed(seed)
    head = torch.nn.Linear(width, 1)
    optimizer = torch.optim.SGD(head.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)
    steps = rows // args.batch
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=steps)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    order = torch.randperm(rows)
    loss = None
    for b in range(steps):
        x, y = get(order[b * args.batch:(b + 1) * args.batch])
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(head(x).squeeze(1), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(head.parameters(), args.clip)
        optimizer.step()
        schedule.step()
    return steps, float(loss)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True, help="genbench's feature cache folder (the one holding index.json)")
    ap.add_argument("--source", choices=["memory", "memmap"], default="memory")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--warmup", type=int, default=1, help="epochs before the timed one")
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--clip", type=float, default=1.0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    rows, width, per_shard, maps = shards(args.cache)
    start = time.perf_counter()
    get = batches_from_memory(maps) if args.source == "memory" else batches_from_memmap(maps, per_shard)
    load_seconds = time.perf_counter() - start
    for w in range(args.warmup):
        epoch(get, rows, width, args, seed=w)
    start = time.perf_counter()
    steps, loss = epoch(get, rows, width, args, seed=args.warmup)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "epoch_seconds": round(seconds, 4), "rows_per_s": round(steps * args.batch / seconds, 1), "rows": rows, "width": width,
        "batch": args.batch, "steps": steps, "last_loss": round(loss, 5), "load_seconds": round(load_seconds, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
        "setup": {"source": args.source, "torch_threads": args.threads, "optimizer": "SGD", "lr": args.lr,
                  "momentum": args.momentum, "weight_decay": args.weight_decay, "scheduler": "OneCycleLR",
                  "gradient_clip_val": args.clip, "malloc": os.path.basename(os.environ.get("LD_PRELOAD", "glibc")),
                  "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default")},
    }))


if __name__ == "__main__":
    main()
