#!/usr/bin/env bash
# Measures an exported detector app image: its size, cold start (process start to first score printed,
# hyperfine) and the HTTP service on loopback (wrk: throughput, latency percentiles, errors).
#
# Usage: bench/detector_bench.sh APP_IMAGE_DIR IMAGE [CONCURRENCY] [SECONDS]
#   APP_IMAGE_DIR  the detector/ folder written by `genbench export`
#   IMAGE          one image file to score (cold start) and to POST (load test)
# Needs hyperfine and wrk (Debian: apt-get install -y hyperfine wrk). Run it under
# `flock` on a shared machine so timed runs never overlap. Prints Markdown.
set -euo pipefail
app="${1:?app image folder}"; image="${2:?image file}"; conc="${3:-4}"; secs="${4:-30}"
det="$app/bin/detector"
port=$(( 20000 + RANDOM % 20000 ))

echo "## Detector app image: $(basename "$(cd "$app/.." && pwd)")"
echo
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "- load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- image size: $(du -sb "$app" | cut -f1 | awk '{printf "%.1f MB", $1/1e6}') (runtime $(du -sb "$app/runtime" | cut -f1 | awk '{printf "%.1f", $1/1e6}'), natives $(du -sb "$app/lib/native" | cut -f1 | awk '{printf "%.1f", $1/1e6}'), model $(du -sb "$app/model" | cut -f1 | awk '{printf "%.1f", $1/1e6}') MB; AOT cache: $([ -f "$app/lib/detector.aot" ] && echo yes || echo no))"
echo
echo "### Cold start: \`detector score IMAGE\` (process start to first score printed)"
echo
echo '```'
hyperfine --warmup 2 --runs 10 --style basic "$det score $image" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
echo '```'
echo
echo "### HTTP service on loopback: wrk, $conc connections, ${secs}s, POST of $(stat -c %s "$image") bytes"
echo
"$det" serve --port "$port" --max-concurrent "$conc" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
lua="$(mktemp --suffix=.lua)"
cat > "$lua" <<LUA
local f = io.open("$image", "rb"); local body = f:read("*all"); f:close()
wrk.method = "POST"; wrk.body = body; wrk.headers["Content-Type"] = "application/octet-stream"
LUA
echo '```'
wrk -t2 -c"$conc" -d"${secs}s" --latency -s "$lua" "http://127.0.0.1:$port/score" 2>&1
echo '```'
echo
echo "- health after: $(curl -s "http://127.0.0.1:$port/health")"
echo "- load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$lua"
