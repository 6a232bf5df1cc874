#!/usr/bin/env python3
"""Pillow peer for the end-to-end benchmark: a process pool, JPEG draft mode (shrink-on-load) and
Image.thumbnail with Lanczos, as a Pillow user would write it. Usage: DIR OUT SIZE WORKERS"""
import os, sys
from multiprocessing import Pool
from PIL import Image, ImageOps

def one(args):
    src, dst, size = args
    with Image.open(src) as im:
        im.draft("RGB", (size * 2, size * 2))
        im = ImageOps.exif_transpose(im)
        im.thumbnail((size, size), Image.LANCZOS)
        im.convert("RGB").save(dst, "JPEG", quality=85)

if __name__ == "__main__":
    src, out, size, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(out, exist_ok=True)
    jobs = [(os.path.join(src, f), os.path.join(out, os.path.splitext(f)[0] + ".jpg"), size)
            for f in sorted(os.listdir(src)) if f.lower().endswith((".jpg", ".jpeg", ".png"))]
    with Pool(workers) as p:
        p.map(one, jobs, chunksize=1)
