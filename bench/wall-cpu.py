#!/usr/bin/env python3
"""Whole commands on one photo folder, interleaved rounds (order rotated, one warm-up round dropped):
median wall time and median CPU time (user + sys of the command's whole process tree).

    bench/wall-cpu.py ROUNDS DIR 'NAME=COMMAND' ...

COMMAND runs in a shell from the repository root; {in} is DIR, {out} a fresh output folder,
{files} DIR's JPEGs (sorted). Why CPU time as well as EndToEnd's wall time: on a machine shared with
other jobs the wall time of a 1-second command swings by +-30%, while the CPU it needs moves much
less, and on 2 cores CPU is what a small batch competes for (RESULTS.md section 9). A command that
exits non-zero or writes fewer outputs than DIR has JPEGs is reported on standard error."""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

if len(sys.argv) < 4:
    sys.exit(__doc__)
rounds, src = int(sys.argv[1]), sys.argv[2]
cmds = [a.split('=', 1) for a in sys.argv[3:]]
files = sorted(os.path.join(src, f) for f in os.listdir(src) if f.lower().endswith(('.jpg', '.jpeg')))
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
res = {n: [] for n, _ in cmds}
for r in range(rounds + 1):
    k = r % len(cmds)
    for name, cmd in cmds[k:] + cmds[:k]:
        out = tempfile.mkdtemp(prefix='wall-cpu')
        line = cmd.replace('{in}', src).replace('{out}', out).replace('{files}', ' '.join(files))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = os.times().elapsed
        p = subprocess.run(line, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=root)
        wall = os.times().elapsed - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        made = sum(len(fs) for _, _, fs in os.walk(out))
        shutil.rmtree(out)
        if p.returncode != 0 or made != len(files):
            print(f'{name}: exit {p.returncode}, {made} outputs: {p.stderr.decode()[-300:]}', file=sys.stderr)
        if r > 0:
            res[name].append((wall, cpu))
print(f'{len(files)} photos in {src}, {rounds} rounds (+1 warm-up dropped), load {os.getloadavg()[0]:.1f} at the end')
first = statistics.median(w for w, _ in res[cmds[0][0]])
print('| command | median wall s | min wall s | median CPU s | wall vs first |')
print('|---|---:|---:|---:|---:|')
for name, _ in cmds:
    ws, cs = [w for w, _ in res[name]], [c for _, c in res[name]]
    print(f'| {name} | {statistics.median(ws):.2f} | {min(ws):.2f} | {statistics.median(cs):.2f} | {statistics.median(ws) / first:.2f}x |')
