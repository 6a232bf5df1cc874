#!/usr/bin/env bash
# Peak memory of a whole gpupool run (issue 19 defect 6): the host JVM and every worker JVM it starts,
# summed, sampled every 50 ms from /proc (VmRSS of the process tree, plus what the run holds in
# /dev/shm spool files). Default case: eight 13000x13000 PNGs (made here with Pillow if DIR is not
# given), -j 1 and -j 2, on the cpu backend; extra arguments go to every `gpupool thumbnails` run.
# Usage: bench/peak-rss.sh [DIR] [-- EXTRA-ARGS...]   (GPUPOOL: the launcher to measure, default ./gpupool;
#        JOBS: the -j values, default "1 2"; PYTHON: an interpreter with Pillow, default /usr/bin/python3)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
gp=${GPUPOOL:-$root/gpupool}; jobs=(${JOBS:-1 2}); py=${PYTHON:-/usr/bin/python3}
dir=${1:-}; [ $# -gt 0 ] && shift; [ "${1:-}" = -- ] && shift
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
if [ -z "$dir" ]; then
  dir=$work/png
  "$py" - "$dir" <<'PY'
import os, sys
from PIL import Image
d = sys.argv[1]; os.makedirs(d)
im = Image.new('RGB', (13000, 13000), (200, 120, 60))
for i in range(8): im.save(os.path.join(d, 'big%d.png' % i))
PY
fi
"$gp" --version >/dev/null
for j in "${jobs[@]}"; do
  rm -rf "$work/out"
  python3 - "$work/out" "$j" "$gp" "$dir" "$@" <<'PY'
import os, subprocess, sys, time
out, j, gp, src, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
cmd = [gp, 'thumbnails', src, '-o', out, '--backend', 'cpu', '-j', j] + extra
def tree(pid):
    kids = {}
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            with open('/proc/%s/stat' % p) as f: ppid = int(f.read().rsplit(')', 1)[1].split()[1])
        except OSError: continue
        kids.setdefault(ppid, []).append(int(p))
    todo, seen = [pid], []
    while todo:
        p = todo.pop(); seen.append(p); todo.extend(kids.get(p, []))
    return seen
def rss(pid):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmRSS:'): return int(line.split()[1]) << 10
    except OSError: pass
    return 0
def shm(pids):
    total = 0
    for p in pids:
        d = '/dev/shm/gpupool-spool-%d' % p
        try: total += sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        except OSError: pass
    return total
t0 = time.time()
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
peak = peak_procs = 0
while proc.poll() is None:
    pids = tree(proc.pid)
    now = sum(rss(p) for p in pids) + shm(pids)
    if now > peak: peak, peak_procs = now, len(pids)
    time.sleep(0.05)
err = proc.stderr.read().strip().splitlines()
print('-j %s %s: peak %.2f GB over %d processes, %.1f s; %s' % (j, ' '.join(extra), peak / 1e9, peak_procs,
      time.time() - t0, err[-1] if err else ''))
for line in err[:-1]:
    if line.startswith('FAILED') or 'gpupool:' in line: print('   ', line[:200])
PY
done
