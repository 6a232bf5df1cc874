#!/usr/bin/env python3
"""The Python recipe for download-then-thumbnail, done well: a thread pool fetches (urllib, retrying 429/5xx
and connection errors with backoff), and as each body arrives it goes to a process pool that makes the
thumbnail with Pillow (draft mode, i.e. JPEG shrink-on-load, then Lanczos), so downloads overlap the work.
The peer of gpupool's HTTP inputs in bench/http-vs-local.sh.
Usage: python_recipe.py URL_LIST OUT SIZE WORKERS [FETCHERS=32]
A URL_LIST line may also be a local path (then the file is read, for the local-files baseline)."""
import io, os, sys, time, urllib.error, urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed

from PIL import Image, ImageOps


def thumbnail(args):
    body, dst, size = args
    with Image.open(io.BytesIO(body)) as im:
        im.draft("RGB", (size * 2, size * 2))
        im = ImageOps.exif_transpose(im)
        im.thumbnail((size, size), Image.LANCZOS)
        im.convert("RGB").save(dst, "JPEG", quality=85)
    return dst


def fetch(url, attempts=5):
    if "://" not in url:
        with open(url, "rb") as f:
            return f.read()
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return r.read()
        except urllib.error.HTTPError as e:
            if e.code not in (429, 500, 502, 503, 504) or attempt == attempts - 1:
                raise
        except (urllib.error.URLError, ConnectionError):
            if attempt == attempts - 1:
                raise
        time.sleep(0.1 * 2 ** attempt)


def main():
    urls = [l.strip() for l in open(sys.argv[1]) if l.strip()]
    out, size, workers = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    fetchers = int(sys.argv[5]) if len(sys.argv) > 5 else 32
    os.makedirs(out, exist_ok=True)
    failed = 0
    with ProcessPoolExecutor(workers) as procs, ThreadPoolExecutor(fetchers) as threads:
        fetched = {threads.submit(fetch, u): u for u in urls}
        made = []
        for f in as_completed(fetched):
            u = fetched[f]
            try:
                body = f.result()
            except Exception as e:
                print(f"FAILED {u}: {e}", file=sys.stderr)
                failed += 1
                continue
            name = os.path.splitext(os.path.basename(u))[0] + ".jpg"
            made.append(procs.submit(thumbnail, (body, os.path.join(out, name), size)))
        for m in made:
            try:
                m.result()
            except Exception as e:
                print(f"FAILED: {e}", file=sys.stderr)
                failed += 1
    print(f"{len(urls) - failed} ok, {failed} failed")


if __name__ == "__main__":
    main()
