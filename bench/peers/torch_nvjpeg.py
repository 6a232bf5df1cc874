#!/usr/bin/env python3
"""PyTorch's nvJPEG pipeline, the GPU peer for thumbnailing JPEGs: torchvision decodes a batch on the
device (nvJPEG), resizes each image with antialiasing to fit SIZE x SIZE, encodes JPEG on the device and
copies only the encoded bytes back, as a PyTorch user would write it. Each round reads the files, runs
the whole batch and writes the thumbnails; it prints every round's time and their median.
Usage: torch_nvjpeg.py DIR OUT [SIZE=256] [ROUNDS=5] [QUALITY=85]"""
import os, statistics, sys, time

import torch
import torchvision
from torchvision.io import ImageReadMode, decode_jpeg, encode_jpeg
from torchvision.transforms.v2 import functional as F


def fit(h, w, size):
    s = min(size / w, size / h, 1.0)
    return max(1, round(h * s)), max(1, round(w * s))


def one_round(paths, out, size, quality):
    t0 = time.perf_counter()
    datas = []
    for p in paths:
        with open(p, "rb") as f:
            datas.append(torch.frombuffer(bytearray(f.read()), dtype=torch.uint8))
    images = decode_jpeg(datas, mode=ImageReadMode.RGB, device="cuda")
    small = [F.resize(im, list(fit(im.shape[1], im.shape[2], size)), antialias=True) for im in images]
    encoded = encode_jpeg(small, quality=quality)
    for p, e in zip(paths, encoded):
        with open(os.path.join(out, os.path.basename(p)), "wb") as f:
            f.write(e.cpu().numpy().tobytes())
    torch.cuda.synchronize()
    return time.perf_counter() - t0, sum(im.shape[1] * im.shape[2] for im in images)


def main():
    src, out = sys.argv[1], sys.argv[2]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 256
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    quality = int(sys.argv[5]) if len(sys.argv) > 5 else 85
    os.makedirs(out, exist_ok=True)
    paths = sorted(os.path.join(src, f) for f in os.listdir(src) if f.lower().endswith((".jpg", ".jpeg")))
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, {torch.cuda.get_device_name()}, "
          f"{len(paths)} JPEGs, fit {size}x{size}, quality {quality}")
    one_round(paths, out, size, quality)  # warm-up: nvJPEG's handles, the allocator, the kernels
    times = []
    for r in range(rounds):
        t, pixels = one_round(paths, out, size, quality)
        times.append(t)
        print(f"round {r + 1}: {t * 1000:.1f} ms, {len(paths) / t:.1f} images/s, {pixels / t / 1e6:.0f} MP/s")
    m = statistics.median(times)
    print(f"torchvision-nvjpeg median: {m * 1000:.1f} ms for {len(paths)} images "
          f"({len(paths) / m:.1f} images/s, {pixels / m / 1e6:.0f} MP/s)")


if __name__ == "__main__":
    main()
