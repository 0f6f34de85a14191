#!/usr/bin/env python3
"""Runs genbench's image stages and the PIL + torchvision peer side by side, on the same photos, with the
same number of workers and batch size, alternating runs so both see the same machine conditions.

Usage (from the repository root; ./genbench builds the project on first use):
    /usr/bin/python3 bench/run_image_bench.py --photos DIR [--stage preprocess] [--threads 2] [--runs 5]
        [--batch 32] [--warmup 42] [--images 210]

Writes bench/results/<UTC date>-image-<stage>-t<threads>.json (every run, medians, spread, ratio, machine) and
regenerates the results table in bench/README.md from the image result files (and the older end-to-end
"features" files, which this runner wrote before run_probe_bench.py's cache stage replaced that stage).
"""
import argparse
import datetime
import glob
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TABLE_START = "<!-- results-table:start -->"
TABLE_END = "<!-- results-table:end -->"


def java_command(args):
    return [os.path.join(ROOT, "genbench"), "bench", "--json", "--stage", args.stage] + common_args(args)


def peer_command(args):
    return [sys.executable, os.path.join(HERE, "peer_pil_torchvision.py"), "--stage", args.stage] + common_args(args)


def common_args(args):
    return ["--photos", args.photos, "--threads", str(args.threads), "--batch",
            str(args.batch), "--warmup", str(args.warmup), "--images", str(args.images)]


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def first_line(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = first_line([sys.executable, "-c",
                           "import PIL, torch, torchvision, numpy; print('PIL', PIL.__version__, 'torch',"
                           " torch.__version__, 'torchvision', torchvision.__version__, 'numpy', numpy.__version__)"])
    return {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform(), "python": platform.python_version(),
            "peer_versions": versions, "load_average_at_start": os.getloadavg()}


def summary(runs):
    values = [r["images_per_s"] for r in runs]
    return {"median_images_per_s": round(statistics.median(values), 2), "min": min(values), "max": max(values),
            "median_batch_ms_p50": round(statistics.median(r["batch_ms_p50"] for r in runs), 1),
            "median_batch_ms_p95": round(statistics.median(r["batch_ms_p95"] for r in runs), 1),
            "max_peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}


def write_table():
    rows = []
    for path in sorted(glob.glob(os.path.join(HERE, "results", "*.json"))):
        with open(path) as f:
            r = json.load(f)
        if r["stage"] in ("train-step", "backbone", "cache", "head"):  # run_train_step_bench.py's and run_probe_bench.py's tables
            continue
        g, p = r["genbench"], r["peer"]
        rows.append(f"| {r['date']} | {r['stage']} | {r['threads']} | {r['runs']} | "
                    f"{g['median_images_per_s']} ({g['min']}–{g['max']}) | "
                    f"{p['median_images_per_s']} ({p['min']}–{p['max']}) | **{r['ratio']}×** | "
                    f"{g['max_peak_rss_mb']:.0f} / {p['max_peak_rss_mb']:.0f} | {os.path.basename(path)} |")
    replace_readme_table(TABLE_START, TABLE_END, [
        "| date (UTC) | stage | workers | runs | genbench images/s, median (min–max) | peer images/s |"
        " ratio | peak RSS MB (ours / peer) | file |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
    ])


def write_result(name, result):
    """Writes bench/results/NAME (one runner's result, indented JSON)."""
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", name), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


def replace_readme_table(start_marker, end_marker, lines):
    """Rewrites the lines between two markers of bench/README.md (both runners keep a generated table there)."""
    readme = os.path.join(HERE, "README.md")
    with open(readme) as f:
        text = f.read()
    start, end = text.index(start_marker), text.index(end_marker) + len(end_marker)
    with open(readme, "w") as f:
        f.write(text[:start] + "\n".join([start_marker, *lines, end_marker]) + text[end:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", required=True)
    ap.add_argument("--stage", choices=["decode", "preprocess"], default="preprocess",
                    help="image stages; the backbone, cache and head stages are run_probe_bench.py's")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=42)
    ap.add_argument("--images", type=int, default=210)
    ap.add_argument("--table-only", action="store_true", help="only regenerate the README table")
    args = ap.parse_args()
    if args.table_only:
        write_table()
        return
    info = machine()
    ours, peer = [], []
    for k in range(args.runs):
        ours.append(run_json(java_command(args)))
        peer.append(run_json(peer_command(args)))
        print(f"run {k + 1}/{args.runs}: genbench {ours[-1]['images_per_s']} images/s, "
              f"peer {peer[-1]['images_per_s']} images/s", flush=True)
    g, p = summary(ours), summary(peer)
    info["load_average_at_end"] = os.getloadavg()
    now = datetime.datetime.now(datetime.timezone.utc)
    photo_count = len([f for f in os.listdir(args.photos) if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp"))])
    result = {
        "date": now.strftime("%Y-%m-%d %H:%M"), "stage": args.stage, "threads": args.threads, "runs": args.runs,
        "batch": args.batch, "warmup_images": args.warmup, "timed_images": args.images,
        "distinct_photos": photo_count, "ratio": round(g["median_images_per_s"] / p["median_images_per_s"], 2),
        "genbench": g, "peer": p, "genbench_runs": ours, "peer_runs": peer, "machine": info,
    }
    write_result(f"{now.strftime('%Y-%m-%d')}-image-{args.stage}-t{args.threads}.json", result)
    write_table()
    print(json.dumps({"ratio": result["ratio"], "genbench": g, "peer": p}, indent=2))


if __name__ == "__main__":
    main()
