#!/usr/bin/env python3
"""Where a batch's task threads waited, from `gpupool thumbnails ... --trace FILE` timelines.

    bench/trace-idle.py TRACE.json...

For each trace: the batch span (first stage start to last stage end), the idle time of the task
threads inside it (summed over threads), the hand-offs (gap between one image's last stage and the
next image's first stage on the same thread) and the tail (how long before the batch's end the
first thread ran out of work). Then the medians over all traces. Used for RESULTS.md section 9."""
import json
import statistics
import sys


def analyse(path):
    events = json.load(open(path))['traceEvents']
    images = {}
    for e in events:
        if e.get('ph') != 'X':
            continue
        key = (e['args']['worker'], e['args']['input'])
        a, b = e['ts'] / 1e3, (e['ts'] + e['dur']) / 1e3
        lo, hi = images.get(key, (float('inf'), 0.0))
        images[key] = (min(lo, a), max(hi, b))
    threads = {}
    for (worker, _), span in images.items():
        threads.setdefault(worker, []).append(span)
    start = min(a for v in threads.values() for a, _ in v)
    end = max(b for v in threads.values() for _, b in v)
    idle, handoffs, ends = 0.0, [], []
    for spans in threads.values():
        spans.sort()
        idle += spans[0][0] - start + end - spans[-1][1]
        gaps = [max(0.0, spans[k + 1][0] - spans[k][1]) for k in range(len(spans) - 1)]
        handoffs += gaps
        idle += sum(gaps)
        ends.append(spans[-1][1])
    return end - start, idle, handoffs, end - min(ends)


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit('usage: bench/trace-idle.py TRACE.json...')
    rows = [analyse(p) for p in sys.argv[1:]]
    for p, (span, idle, handoffs, tail) in zip(sys.argv[1:], rows):
        print(f'{p}: span {span:.0f} ms, task threads idle {idle:.0f} ms, {len(handoffs)} hand-offs '
              f'(median {statistics.median(handoffs) if handoffs else 0:.1f} ms), tail {tail:.0f} ms')
    if len(rows) > 1:
        print(f'median of {len(rows)}: span {statistics.median(r[0] for r in rows):.0f} ms, '
              f'idle {statistics.median(r[1] for r in rows):.0f} ms, tail {statistics.median(r[3] for r in rows):.0f} ms')
