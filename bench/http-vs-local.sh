#!/usr/bin/env bash
# Issue 6's overlap check: N photos (default 200, copies of the corpus) served over HTTP on loopback
# with 100 ms of latency per request and a 503 on the first try of every tenth, against the same run
# on local copies. Prints both times and their ratio (target: at most 1.5).
# Usage: bench/http-vs-local.sh [PHOTOS_DIR] [N] [BACKEND]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
photos=${1:-$root/bench/photos}; n=${2:-200}; backend=${3:-cpu}
work=$(mktemp -d); trap 'kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/local"
mapfile -t src < <(ls "$photos"/*.jpg)
for i in $(seq 0 $((n - 1))); do cp "${src[$((i % ${#src[@]}))]}" "$work/local/p$i.jpg"; done
port=$((20000 + RANDOM % 20000))
python3 "$root/bench/peers/slow_server.py" "$work/local" "$port" 100 600 & srv=$!
sleep 0.5
for i in $(seq 0 $((n - 1))); do echo "http://127.0.0.1:$port/p$i.jpg"; done > "$work/urls.txt"
"$root/gpupool" --version >/dev/null
t0=$(date +%s.%N); "$root/gpupool" thumbnails "$work/local" -o "$work/out-local" --backend "$backend"; t1=$(date +%s.%N)
"$root/gpupool" thumbnails "@$work/urls.txt" -o "$work/out-http" --backend "$backend" --trace "$work/trace.json"; t2=$(date +%s.%N)
got=$(ls "$work/out-http" | wc -l)
python3 -c "l=$t1-$t0; h=$t2-$t1; print(f'local {l:.2f} s, http {h:.2f} s, ratio {h/l:.2f}; {$got} of {$n} arrived')"
[ "$got" -eq "$n" ]
