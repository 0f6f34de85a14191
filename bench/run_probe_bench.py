#!/usr/bin/env python3
"""Runs genbench's probe stages (`genbench bench --stage backbone|cache|head`) and their PyTorch peers side by
side: the same photos, tensors or cached features, the same thread count (given to torch with
torch.set_num_threads), the peer in its best known CPU setup (channels-last tensors, jemalloc preloaded and told
to keep freed memory mapped), warm-up excluded on both sides, genbench and peer runs alternating.

Usage (from the repository root; ./genbench builds the project on first use):
    /usr/bin/python3 bench/run_probe_bench.py --stage backbone --model resnet50 --photos DIR [--threads 2] [--runs 3]
        [--batch 32] [--warmup 2] [--iters 10]
    /usr/bin/python3 bench/run_probe_bench.py --stage cache --model mobilenet_v2 --photos DIR [--threads 2] [--runs 3]
        [--batch 32] [--warmup 32] [--iters 128]
    /usr/bin/python3 bench/run_probe_bench.py --stage head [--rows 1000000] [--width 1280] [--batch 512] [--threads 2]
        [--runs 3] [--cache-dir DIR]

backbone: genbench preprocesses one batch of the photos once and writes it to an .npz; both sides run their
backbone on that batch (--warmup, then --iters timed batches). cache: the feature-caching path end to end
(decode, mandatory preprocessing, backbone, features written to a cache) against peer_torch_features.py (PIL +
torchvision + DataLoader + the same architecture, features written to an fp16 np.memmap); genbench also reports
its peak heap and how much faster an epoch from the cache is than the first. For both, --model is a torchvision
architecture whose random-init ONNX graph and card are exported to bench/models/ on first use
(models/onnx/export_backbone.py --random-init). head: one probe-head epoch over --rows cached --width-d features
(genbench fills a synthetic fp16 cache in --cache-dir once and reuses it), against peer_torch_head.py over the
same shards, read into memory and through np.memmap.

Writes bench/results/<UTC date>-<stage>-<model>-t<threads>.json (head: <date>-head-<rows>x<width>-t<threads>.json;
every run, medians, spread, ratio, machine and the load before each round) and regenerates the probe-stage table
in bench/README.md from all such files.
"""
import argparse
import datetime
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import run_image_bench  # noqa: E402  (machine(), run_json(), replace_readme_table())
import run_train_step_bench  # noqa: E402  (the jemalloc setup of PyTorch's best CPU runs)

STAGES = ("backbone", "cache", "head")
TABLE_START = "<!-- probe-table:start -->"
TABLE_END = "<!-- probe-table:end -->"


def exported_card(arch):
    """bench/models/<arch>.yaml, exporting the random-init torchvision graph and its card first if missing."""
    out = os.path.join(HERE, "models")
    card = os.path.join(out, arch + ".yaml")
    if not (os.path.exists(card) and os.path.exists(os.path.join(out, arch + ".onnx"))):
        subprocess.run([sys.executable, os.path.join(ROOT, "models", "onnx", "export_backbone.py"), "--family",
                        "torchvision", "--model", arch, "--random-init", "--out", out], check=True)
    return card


# PyTorch's OpenMP threads otherwise spin while they wait; on a machine shared with other work that made a
# MobileNetV2 batch 5-10x slower (genbench's ONNX Runtime sessions likewise run with spinning off).
OMP_WAIT_POLICY = "PASSIVE"


def best_peer_env():
    env = dict(os.environ)
    env["LD_PRELOAD"] = run_train_step_bench.JEMALLOC
    env["MALLOC_CONF"] = run_train_step_bench.JEMALLOC_CONF
    env["OMP_WAIT_POLICY"] = OMP_WAIT_POLICY
    return env


def peer_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=best_peer_env()).stdout
    return json.loads(out.strip().splitlines()[-1])


def genbench_command(args, scratch):
    cmd = [os.path.join(ROOT, "genbench"), "bench", "--json", "--stage", args.stage, "--threads", str(args.threads),
           "--batch", str(args.batch), "--warmup", str(args.warmup)]
    if args.stage == "head":
        return cmd + ["--rows", str(args.rows), "--width", str(args.width), "--cache-dir", args.cache_dir]
    cmd += ["--model", exported_card(args.model), "--photos", args.photos, "--iters", str(args.iters)]
    if args.stage == "backbone":
        return cmd + ["--tensors", os.path.join(scratch, "batch.npz")]
    return cmd + ["--cache-dir", scratch]


def peer_commands(args, scratch, ours):
    """The peer runs of one round: name -> command (head: the same cache genbench just trained on)."""
    if args.stage == "head":
        setup = ours["setup"]
        base = [sys.executable, os.path.join(HERE, "peer_torch_head.py"), "--cache", ours["cache_folder"], "--threads",
                str(args.threads), "--batch", str(args.batch), "--warmup", str(args.warmup), "--lr", str(setup["lr"]),
                "--momentum", str(setup["momentum"]), "--weight-decay", str(setup["weight_decay"]), "--clip",
                str(setup["gradient_clip_val"])]
        return {"peer_memory": base + ["--source", "memory"], "peer_memmap": base + ["--source", "memmap"]}
    base = [sys.executable, os.path.join(HERE, "peer_torch_features.py"), "--arch", args.model, "--threads", str(args.threads),
            "--batch", str(args.batch), "--warmup", str(args.warmup), "--images", str(args.iters)]
    if args.stage == "backbone":
        return {"peer": base + ["--tensors", os.path.join(scratch, "batch.npz")]}
    return {"peer": base + ["--photos", args.photos, "--write-features", scratch]}


def speed(run, stage):
    """Higher is faster: images/s, or epochs per second for head."""
    return 1.0 / run["epoch_seconds"] if stage == "head" else run["images_per_s"]


def summary(runs, stage):
    key = "epoch_seconds" if stage == "head" else "images_per_s"
    values = [r[key] for r in runs]
    s = {"median_" + key: round(statistics.median(values), 4), "min": min(values), "max": max(values),
         "max_peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}
    if stage == "backbone":
        s["median_batch_ms_p50"] = round(statistics.median(r["batch_ms_p50"] for r in runs), 1)
    if stage == "cache" and "peak_heap_mb" in runs[0]:
        s["max_peak_heap_mb"] = max(r["peak_heap_mb"] for r in runs)
        s["median_cached_epoch_speedup"] = round(statistics.median(r["cached_epoch_speedup"] for r in runs), 1)
    return s


def cell(s, stage):
    key = "median_epoch_seconds" if stage == "head" else "median_images_per_s"
    return f"{s[key]} ({s['min']}–{s['max']})"


def write_table():
    rows = []
    for path in sorted(glob.glob(os.path.join(HERE, "results", "*.json"))):
        with open(path) as f:
            r = json.load(f)
        if r.get("stage") not in STAGES:
            continue
        stage, g = r["stage"], r["genbench"]
        peers = [k for k in ("peer", "peer_memory", "peer_memmap") if k in r]
        peer_cells = " / ".join(cell(r[k], stage) for k in peers)
        ratios = " / ".join(f"**{r['ratio_' + k]}×**" for k in peers)
        if stage == "backbone":
            extra = f"batch {r['batch']}: {g['median_batch_ms_p50']} / {r['peer']['median_batch_ms_p50']} ms per batch"
        elif stage == "cache":
            extra = (f"peak heap {g['max_peak_heap_mb']:.0f} MB; cached epoch {g['median_cached_epoch_speedup']}× faster"
                     f" than the first")
        else:
            extra = f"{r['rows']:,} × {r['width']} fp16, batch {r['batch']}; peers: memory / memmap"
        load = max(r["machine"]["load_1min_before_each_round"])
        rows.append(f"| {r['date']} | {stage} | {r['model']} | {r['threads']} | {r['runs']} | {cell(g, stage)} | {peer_cells} |"
                    f" {ratios} | {extra} | {g['max_peak_rss_mb']:.0f} / "
                    f"{' / '.join(format(r[k]['max_peak_rss_mb'], '.0f') for k in peers)} | {load:.1f} | {os.path.basename(path)} |")
    run_image_bench.replace_readme_table(TABLE_START, TABLE_END, [
        "| date (UTC) | stage | model | threads | runs | genbench, median (min–max) | PyTorch peer | speed ratio (genbench / peer) |"
        " notes | peak RSS MB (ours / peer) | highest load | file |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
    ])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stage", choices=STAGES, required=True)
    ap.add_argument("--model", help="backbone, cache: torchvision architecture (resnet50, mobilenet_v2)")
    ap.add_argument("--photos", help="backbone, cache: a folder of photos")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--batch", type=int, help="default: 32 images, 512 rows for head")
    ap.add_argument("--warmup", type=int, help="default: 2 batches (backbone), 32 images (cache), 1 epoch (head)")
    ap.add_argument("--iters", type=int, help="timed batches (backbone, default 10) or images (cache, default 128)")
    ap.add_argument("--rows", type=int, default=1_000_000, help="head: cached rows")
    ap.add_argument("--width", type=int, default=1280, help="head: features per row")
    ap.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(), "genbench-head-bench"),
                    help="head: where genbench keeps the synthetic cache (reused by later runs; default: %(default)s)")
    ap.add_argument("--table-only", action="store_true", help="only regenerate the README table")
    args = ap.parse_args()
    if args.table_only:
        write_table()
        return
    if args.stage != "head" and not (args.model and args.photos):
        ap.error(f"--stage {args.stage} needs --model and --photos")
    defaults = {"backbone": (32, 2, 10), "cache": (32, 32, 128), "head": (512, 1, 0)}[args.stage]
    args.batch = args.batch or defaults[0]
    args.warmup = defaults[1] if args.warmup is None else args.warmup
    args.iters = args.iters or defaults[2]
    if not os.path.exists(run_train_step_bench.JEMALLOC):
        raise SystemExit(f"{run_train_step_bench.JEMALLOC} is missing; install Debian's libjemalloc2 for the peer's best setup")
    info = run_image_bench.machine()
    ours, peers, loads = [], {}, []
    with tempfile.TemporaryDirectory(prefix="genbench-probe-bench") as scratch:
        for k in range(args.runs):
            loads.append(os.getloadavg()[0])
            ours.append(run_image_bench.run_json(genbench_command(args, scratch)))
            for name, cmd in peer_commands(args, scratch, ours[-1]).items():
                peers.setdefault(name, []).append(peer_json(cmd))
            print(f"run {k + 1}/{args.runs} (load {loads[-1]:.1f}): genbench {speed(ours[-1], args.stage):.4g}, "
                  + ", ".join(f"{n} {speed(v[-1], args.stage):.4g}" for n, v in peers.items())
                  + (" (images/s)" if args.stage != "head" else " (epochs/s)"), flush=True)
    for r in ours:  # the cache's fingerprint, not this machine's path
        if "cache_folder" in r:
            r["cache_folder"] = os.path.basename(r["cache_folder"])
    info["load_average_at_end"] = os.getloadavg()
    info["load_1min_before_each_round"] = loads
    now = datetime.datetime.now(datetime.timezone.utc)
    model = f"{args.rows}x{args.width}" if args.stage == "head" else args.model
    g = summary(ours, args.stage)
    result = {"date": now.strftime("%Y-%m-%d %H:%M"), "stage": args.stage, "model": model, "threads": args.threads,
              "runs": args.runs, "batch": args.batch, "warmup": args.warmup,
              "peer_setup": f"channels_last, LD_PRELOAD={os.path.basename(run_train_step_bench.JEMALLOC)},"
                            f" MALLOC_CONF={run_train_step_bench.JEMALLOC_CONF}, OMP_WAIT_POLICY={OMP_WAIT_POLICY},"
                            f" torch.set_num_threads({args.threads})",
              "genbench": g}
    if args.stage == "head":
        result.update({"rows": args.rows, "width": args.width})
    else:
        result.update({"timed": args.iters, "timed_unit": "batches" if args.stage == "backbone" else "images",
                       "distinct_photos": len([f for f in os.listdir(args.photos)
                                               if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp"))])})
    our_speed = statistics.median(speed(r, args.stage) for r in ours)
    for name, runs in peers.items():
        result[name] = summary(runs, args.stage)
        result["ratio_" + name] = round(our_speed / statistics.median(speed(r, args.stage) for r in runs), 2)
    result["genbench_runs"] = ours
    result.update({name + "_runs": runs for name, runs in peers.items()})
    result["machine"] = info
    run_image_bench.write_result(f"{now.strftime('%Y-%m-%d')}-{args.stage}-{model}-t{args.threads}.json", result)
    write_table()
    print(json.dumps({k: v for k, v in result.items() if not k.endswith("_runs") and k != "machine"}, indent=2))


if __name__ == "__main__":
    main()
