#!/usr/bin/env bash
# Memory stays flat with the number of inputs: N small generated images (default 100000) through
# `gpupool thumbnails` in a 512 MB heap (JAVA_OPTS=-Xmx512m; workers inherit it), then checks that
# every output arrived. Usage: bench/many-inputs.sh [N] [BACKEND] [WORKDIR]
set -euo pipefail
n=${1:-100000}; backend=${2:-cpu-threads}; work=${3:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work/in"
# One small JPEG, then hard links (one seed copy per 1000 links: ext4 allows 65000 links a file).
mkdir -p "$work/seeds"
i=0
while [ $i -lt "$n" ]; do
  d="$work/in/$((i / 1000))"; s="$work/seeds/$((i / 1000)).jpg"; mkdir -p "$d"
  cp "$root/samples/grey.jpg" "$s"
  for j in $(seq 0 999); do [ $((i + j)) -lt "$n" ] && ln -f "$s" "$d/img$((i + j)).jpg"; done
  i=$((i + 1000))
done
echo "$n inputs in $work/in; running with JAVA_OPTS=-Xmx512m on $backend" >&2
JAVA_OPTS="-Xmx512m ${JAVA_OPTS:-}" /usr/bin/time -f "wall %e s, peak RSS of the host JVM %M KB" \
  "$root/gpupool" thumbnails "$work/in" -o "$work/out" -s 64 --backend "$backend" --report "$work/report.json"
got=$(find "$work/out" -type f -name '*.jpg' | wc -l)
echo "outputs: $got of $n"
[ "$got" -eq "$n" ]
