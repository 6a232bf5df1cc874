#!/usr/bin/env bash
# Issue 20's large job, one command: N inputs (default 20000, hard links of the JPEGs in PHOTOS under distinct
# names) on the loopback standalone cluster (standalone-cluster.sh: two one-core workers), three runs:
#   1. the job undisturbed: its throughput per executor core;
#   2. the job again, into a new directory, with worker 2 and its executor killed -9 once KILL_AT outputs
#      exist (default N/4): it must finish on worker 1 with every output written once and whole, one report row per
#      input, no temporary file left, and a summary line that agrees with the report (checked by the script);
#   3. the single-machine CLI on the same inputs (gpupool thumbnails --backend cpu-threads, -j 2 = the
#      cluster's two cores): its throughput per core, to compare with run 1.
#   spark/scripts/large-job.sh [PHOTOS_DIR [N]]
# Environment: WORK (kept), JAVA_HOME (JDK 25+), KILL_AT.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
photos=${1:-$root/samples}; n=${2:-20000}
base=${WORK:-$(mktemp -d /tmp/gpupool-large-job.XXXXXX)}
mkdir -p "$base"
echo "large-job: $n inputs from $photos; scratch in $base"
summary() { grep -E '^[0-9]+ ok, [0-9]+ failed, [0-9]+ skipped in ' "$1" | tail -1; }
rate() { sed -E 's/.*\(([0-9.]+) img\/s\).*/\1/' <<<"$1"; }

WORK="$base/plain" bash "$root/spark/scripts/standalone-cluster.sh" "$photos" "$n"
plain=$(summary "$base/plain/thumbs.log")
WORK="$base/kill" KILL_WORKER_AT=${KILL_AT:-$((n / 4))} bash "$root/spark/scripts/standalone-cluster.sh" "$photos" "$n"
killed=$(summary "$base/kill/thumbs.log")

"$root/gpupool" thumbnails "$base/plain/photos" -o "$base/cli" --backend cpu-threads -j 2 2>"$base/cli.log" || true
cli=$(tail -1 "$base/cli.log")
echo "large-job: cluster, 2 executor cores:   $plain"
echo "large-job: cluster, worker 2 killed:    $killed"
echo "large-job: CLI cpu-threads, 2 cores:    $cli"
awk -v c="$(rate "$plain")" -v l="$(rate "$cli")" 'BEGIN { printf "large-job: per core: cluster %.1f img/s, CLI %.1f img/s, cluster/CLI %.2f\n", c / 2, l / 2, c / l }'
