#!/usr/bin/env bash
# Download-then-thumbnail (issue 16): N photos (default 200, copies of the corpus) served over HTTP on
# loopback with 100 ms of latency per request and a 503 on the first try of every tenth, against the
# same run on local copies; for gpupool (BACKENDS, default "cpu cpu-threads") and the Python recipe
# (bench/peers/python_recipe.py: a urllib thread pool fetching, a Pillow process pool thumbnailing, overlapped).
# Each contender runs ROUNDS times (default 3) per source, interleaved; medians of wall and CPU time
# (user + sys, the process and the children it waited for), then the ratios the issue sets targets on:
# http/local time and CPU (target <= 1.15), gpupool over HTTP against the recipe over HTTP (target <= 0.7).
# Usage: bench/http-vs-local.sh [PHOTOS_DIR] [N]        (PYTHON: an interpreter with Pillow, default /usr/bin/python3;
#        GPUPOOL: the launcher to measure, default ./gpupool)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
photos=${1:-$root/bench/photos}; n=${2:-200}; rounds=${ROUNDS:-3}
backends=(${BACKENDS:-cpu cpu-threads}); py=${PYTHON:-/usr/bin/python3}; gp=${GPUPOOL:-$root/gpupool}
cores=$(nproc)
work=$(mktemp -d); trap 'kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/local"
mapfile -t src < <(ls "$photos"/*.jpg)
for i in $(seq 0 $((n - 1))); do cp "${src[$((i % ${#src[@]}))]}" "$work/local/p$i.jpg"; done
port=$((20000 + RANDOM % 20000))
python3 "$root/bench/peers/slow_server.py" "$work/local" "$port" 100 3600 & srv=$!
sleep 0.5
for i in $(seq 0 $((n - 1))); do echo "http://127.0.0.1:$port/p$i.jpg"; done > "$work/urls.txt"
for i in $(seq 0 $((n - 1))); do echo "$work/local/p$i.jpg"; done > "$work/paths.txt"
"$py" -c 'import PIL' || { echo "no Pillow for $py (apt-get install python3-pil, or set PYTHON)" >&2; exit 2; }
"$gp" --version >/dev/null

# run NAME SOURCE CMD...: runs CMD (its output to a log), appends "wall cpu" to $work/NAME-SOURCE.
run() {
  local name=$1 source=$2; shift 2
  rm -rf "$work/out"
  local t; t=$( { TIMEFORMAT='%R %U %S'; time "$@" >"$work/last.log" 2>&1; } 2>&1 | tail -1) \
    || { echo "$name $source failed:"; tail -5 "$work/last.log"; exit 1; }
  local got; got=$(ls "$work/out" 2>/dev/null | wc -l)
  [ "$got" -eq "$n" ] || { echo "$name $source: $got of $n outputs"; tail -5 "$work/last.log"; exit 1; }
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' <<< "$t" >> "$work/$name-$source"
}
for r in $(seq 1 "$rounds"); do
  for b in "${backends[@]}"; do
    run "gpupool-$b" local "$gp" thumbnails "$work/local" -o "$work/out" --backend "$b"
    run "gpupool-$b" http "$gp" thumbnails "@$work/urls.txt" -o "$work/out" --backend "$b"
  done
  run python-recipe local "$py" "$root/bench/peers/python_recipe.py" "$work/paths.txt" "$work/out" 256 "$cores"
  run python-recipe http "$py" "$root/bench/peers/python_recipe.py" "$work/urls.txt" "$work/out" 256 "$cores"
done

med() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "$n photos ($(du -sh "$work/local" | cut -f1)), $cores cores, 100 ms latency and a 503 on every tenth first try; medians of $rounds rounds"
printf '%-22s %10s %10s %10s %10s %12s %12s\n' contender "local s" "http s" "local cpu" "http cpu" "http/local" "cpu h/l"
for name in "${backends[@]/#/gpupool-}" python-recipe; do
  lw=$(cut -d' ' -f1 "$work/$name-local" | med); hw=$(cut -d' ' -f1 "$work/$name-http" | med)
  lc=$(cut -d' ' -f2 "$work/$name-local" | med); hc=$(cut -d' ' -f2 "$work/$name-http" | med)
  printf '%-22s %10.2f %10.2f %10.2f %10.2f %12.2f %12.2f\n' "$name" "$lw" "$hw" "$lc" "$hc" "$(echo "$hw / $lw" | bc -l)" "$(echo "$hc / $lc" | bc -l)"
  echo "$hw" > "$work/$name.httpwall"
done
pyw=$(cat "$work/python-recipe.httpwall")
for b in "${backends[@]}"; do
  printf 'gpupool %s over HTTP / the Python recipe over HTTP: %.2f\n' "$b" "$(echo "$(cat "$work/gpupool-$b.httpwall") / $pyw" | bc -l)"
done
