#!/usr/bin/env python3
"""Runs genbench's training step (`genbench bench --stage train-step`) and the PyTorch peer side by side:
the same torchvision model, weights, batch, image size and thread count, alternating runs so all see the
same machine conditions. The peer runs twice per round: its best CPU setup (channels-last tensors, jemalloc
preloaded and told to keep freed memory mapped) and its default one (NCHW, glibc malloc).

Usage (from the repository root; ./genbench builds the project on first use):
    /usr/bin/python3 bench/run_train_step_bench.py --model resnet50 [--threads 2] [--runs 3] [--batch 16]
        [--size 224] [--warmup 10] [--iters 10]

Missing ONNX graphs are exported first by the peer (models/onnx/trainstep_<model>.onnx). Writes
bench/results/<UTC date>-train-step-<model>-b<batch>-t<threads>.json (every run, medians, spread, ratios,
machine and load) and regenerates the train-step table in bench/README.md from all such files.
"""
import argparse
import datetime
import glob
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import run_image_bench  # noqa: E402  (shares machine() and the run-and-parse helper)

TABLE_START = "<!-- train-step-table:start -->"
TABLE_END = "<!-- train-step-table:end -->"
JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
# Freed memory stays mapped: fresh pages cost ~10 us each on these machines (research/ENGINE-ONEDNN.md).
JEMALLOC_CONF = "dirty_decay_ms:-1,muzzy_decay_ms:-1,retain:true"


def graph_path(model):
    return os.path.join(ROOT, "models", "onnx", f"trainstep_{model}.onnx")


def peer_script():
    return os.path.join(HERE, "peer_torch_train_step.py")


def common_args(args):
    return ["--model", args.model, "--batch", str(args.batch), "--size", str(args.size), "--threads", str(args.threads),
            "--warmup", str(args.warmup), "--iters", str(args.iters)]


def genbench(args):
    return run_image_bench.run_json([os.path.join(ROOT, "genbench"), "bench", "--stage", "train-step", "--json"]
                                    + common_args(args))


def peer(args, best):
    env = dict(os.environ)
    if best:
        env["LD_PRELOAD"] = JEMALLOC
        env["MALLOC_CONF"] = JEMALLOC_CONF
    else:
        env.pop("LD_PRELOAD", None)
    cmd = [sys.executable, peer_script()] + common_args(args) + ["--layout", "channels_last" if best else "nchw"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def summary(runs):
    values = [r["images_per_s"] for r in runs]
    return {"median_images_per_s": round(statistics.median(values), 3), "min": min(values), "max": max(values),
            "max_peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}


def write_table():
    rows = []
    for path in sorted(glob.glob(os.path.join(HERE, "results", "*-train-step-*.json"))):
        with open(path) as f:
            r = json.load(f)
        g, b, d = r["genbench"], r["peer_best"], r["peer_default"]
        rows.append(f"| {r['date']} | {r['model']} | {r['batch']} | {r['size']} | {r['threads']} | {r['runs']} | "
                    f"{g['median_images_per_s']} ({g['min']}–{g['max']}) | {b['median_images_per_s']} ({b['min']}–{b['max']}) | "
                    f"{d['median_images_per_s']} ({d['min']}–{d['max']}) | **{r['ratio_best']}×** | {r['ratio_default']}× | "
                    f"{g['max_peak_rss_mb']:.0f} / {b['max_peak_rss_mb']:.0f} / {d['max_peak_rss_mb']:.0f} | "
                    f"{r['machine']['load_average_at_start'][0]:.1f} | {os.path.basename(path)} |")
    run_image_bench.replace_readme_table(TABLE_START, TABLE_END, [
        "| date (UTC) | model | batch | size | threads | runs | genbench images/s, median (min–max) |"
        " torch best images/s | torch default images/s | ratio to best | ratio to default |"
        " peak RSS MB (ours / best / default) | load at start | file |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
    ])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=["resnet50", "mobilenetv2"], required=True)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--size", type=int, default=224)
    # Both sides get the same counts. The engine's Java kernels reach steady state only once C2 has compiled
    # them (its step time still fell through step 8 on MobileNetV2); torch is steady after 2-3 steps.
    ap.add_argument("--warmup", type=int, default=10, help="steps before timing, each run")
    ap.add_argument("--iters", type=int, default=10, help="timed steps, each run")
    ap.add_argument("--table-only", action="store_true", help="only regenerate the README table")
    args = ap.parse_args()
    if args.table_only:
        write_table()
        return
    if not os.path.exists(JEMALLOC):
        raise SystemExit(f"{JEMALLOC} is missing; install Debian's libjemalloc2 for the peer's best setup")
    if not os.path.exists(graph_path(args.model)):
        subprocess.run([sys.executable, peer_script(), "--model", args.model, "--export", graph_path(args.model)], check=True)
    info = run_image_bench.machine()
    ours, best, default, loads = [], [], [], []
    for k in range(args.runs):
        loads.append(os.getloadavg()[0])
        ours.append(genbench(args))
        best.append(peer(args, best=True))
        default.append(peer(args, best=False))
        print(f"run {k + 1}/{args.runs}: genbench {ours[-1]['images_per_s']} images/s, torch best "
              f"{best[-1]['images_per_s']}, torch default {default[-1]['images_per_s']} (load {loads[-1]:.1f})", flush=True)
    g, b, d = summary(ours), summary(best), summary(default)
    info["load_average_at_end"] = os.getloadavg()
    info["load_1min_before_each_round"] = loads
    now = datetime.datetime.now(datetime.timezone.utc)
    result = {
        "date": now.strftime("%Y-%m-%d %H:%M"), "stage": "train-step", "model": args.model, "batch": args.batch,
        "size": args.size, "threads": args.threads, "runs": args.runs, "warmup_steps": args.warmup, "timed_steps": args.iters,
        "peer_best_setup": f"channels_last, LD_PRELOAD={os.path.basename(JEMALLOC)}, MALLOC_CONF={JEMALLOC_CONF}",
        "peer_default_setup": "NCHW (contiguous), glibc malloc",
        "ratio_best": round(g["median_images_per_s"] / b["median_images_per_s"], 3),
        "ratio_default": round(g["median_images_per_s"] / d["median_images_per_s"], 3),
        "genbench": g, "peer_best": b, "peer_default": d,
        "genbench_runs": ours, "peer_best_runs": best, "peer_default_runs": default, "machine": info,
    }
    run_image_bench.write_result(f"{now.strftime('%Y-%m-%d')}-train-step-{args.model}-b{args.batch}-t{args.threads}.json", result)
    write_table()
    print(json.dumps({k: result[k] for k in ("ratio_best", "ratio_default", "genbench", "peer_best", "peer_default")}, indent=2))


if __name__ == "__main__":
    main()
