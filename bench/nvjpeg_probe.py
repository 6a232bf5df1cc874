#!/usr/bin/env python3
"""What nvJPEG can do on this GPU machine, measured through the same C entry points gpupool binds:
which libnvjpeg files exist, their versions, which backends nvjpegCreateEx accepts (the hardware decoder
among them), and the batched decode's speed per backend on the JPEGs of DIR (device memory from PyTorch,
the default stream). A planning tool for the GPU codec, run by bench/gpu-check.sh; nothing here is gpupool.
Usage: nvjpeg_probe.py DIR [LIB...]"""
import ctypes as C, glob, os, statistics, sys, time

import torch

BACKENDS = {0: "default", 1: "hybrid", 2: "gpu-hybrid", 3: "hardware"}
RGBI = 5


class Image(C.Structure):
    _fields_ = [("channel", C.c_void_p * 4), ("pitch", C.c_size_t * 4)]


def candidates(extra):
    found = list(extra)
    for pattern in ["/usr/local/cuda*/lib64/libnvjpeg.so*", "/usr/local/cuda*/targets/*/lib/libnvjpeg.so*",
                    "/usr/lib/x86_64-linux-gnu/libnvjpeg.so*", os.path.dirname(torch.__file__) + "/lib/libnvjpeg*",
                    os.path.dirname(torch.__file__) + "/../nvidia/*/lib/libnvjpeg*",
                    os.path.dirname(torch.__file__) + "/../torchvision*/libnvjpeg*",
                    os.path.dirname(torch.__file__) + "/../torchvision.libs/libnvjpeg*"]:
        found += sorted(glob.glob(pattern))
    seen, out = set(), []
    for f in found:
        r = os.path.realpath(f)
        if r not in seen and os.path.isfile(r):
            seen.add(r)
            out.append(f)
    return out


def check(lib, name, *args):
    rc = getattr(lib, name)(*args)
    if rc != 0:
        raise RuntimeError(f"{name} returned {rc}")


def probe(path, jpegs):
    print(f"\n--- {path}")
    try:
        lib = C.CDLL(path)
    except OSError as e:
        print(f"cannot load: {e}")
        return
    v = [C.c_int() for _ in range(3)]
    for i in range(3):
        lib.nvjpegGetProperty(i, C.byref(v[i]))
    print("version", ".".join(str(x.value) for x in v))
    lib.nvjpegGetImageInfo.argtypes = [C.c_void_p, C.c_char_p, C.c_size_t, C.POINTER(C.c_int), C.POINTER(C.c_int),
                                       C.POINTER(C.c_int), C.POINTER(C.c_int)]
    for b, name in BACKENDS.items():
        h = C.c_void_p()
        rc = lib.nvjpegCreateEx(b, None, None, 0, C.byref(h))
        extra = ""
        if rc == 0 and b == 3 and hasattr(lib, "nvjpegGetHardwareDecoderInfo"):
            e, c = C.c_uint(), C.c_uint()
            r2 = lib.nvjpegGetHardwareDecoderInfo(h, C.byref(e), C.byref(c))
            extra = f", hardware decoder info rc={r2}: {e.value} engines x {c.value} cores"
        print(f"nvjpegCreateEx({name}) = {rc}{extra}")
        if rc != 0:
            continue
        try:
            batched(lib, h, b, name, jpegs)
        except Exception as e:  # a probe: report and go on to the next backend
            print(f"  {name}: {e}")
        lib.nvjpegDestroy(h)


def batched(lib, h, b, name, jpegs):
    # Which JPEGs this backend's batched decode takes (the hardware one: baseline, no 4:1:1 ...).
    stream = C.c_void_p()
    check(lib, "nvjpegJpegStreamCreate", h, C.byref(stream))
    take = []
    for path, data in jpegs:
        check(lib, "nvjpegJpegStreamParse", h, data, C.c_size_t(len(data)), 0, 0, stream)
        s = C.c_int(-1)
        rc = lib.nvjpegDecodeBatchedSupported(h, stream, C.byref(s))
        if rc == 0 and s.value == 0:
            take.append((path, data))
    lib.nvjpegJpegStreamDestroy(stream)
    print(f"  {name}: batched decode supports {len(take)} of {len(jpegs)} JPEGs")
    if not take:
        return
    n = len(take)
    images, outs = (Image * n)(), []
    pixels = 0
    for i, (path, data) in enumerate(take):
        comps, sub = C.c_int(), C.c_int()
        w, hh = (C.c_int * 4)(), (C.c_int * 4)()
        check(lib, "nvjpegGetImageInfo", h, data, len(data), C.byref(comps), C.byref(sub), w, hh)
        t = torch.empty(hh[0] * w[0] * 3, dtype=torch.uint8, device="cuda")
        outs.append(t)
        images[i].channel[0] = t.data_ptr()
        images[i].pitch[0] = w[0] * 3
        pixels += w[0] * hh[0]
    state = C.c_void_p()
    check(lib, "nvjpegJpegStateCreate", h, C.byref(state))
    check(lib, "nvjpegDecodeBatchedInitialize", h, state, n, 1, RGBI)
    ptrs = (C.c_char_p * n)(*[d for _, d in take])
    lens = (C.c_size_t * n)(*[len(d) for _, d in take])
    times = []
    for r in range(6):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        check(lib, "nvjpegDecodeBatched", h, state, ptrs, lens, images, None)
        torch.cuda.synchronize()
        if r:
            times.append(time.perf_counter() - t0)
    m = statistics.median(times)
    print(f"  {name}: {n} JPEGs, {pixels / 1e6:.1f} MP, median {m * 1000:.2f} ms "
          f"({n / m:.0f} images/s, {pixels / m / 1e6:.0f} MP/s)")
    print(f"  {name}: first image's mean pixel {outs[0].float().mean().item():.3f}")
    lib.nvjpegJpegStateDestroy(state)


def main():
    d = sys.argv[1]
    jpegs = []
    for f in sorted(os.listdir(d)):
        if f.lower().endswith((".jpg", ".jpeg")):
            with open(os.path.join(d, f), "rb") as fh:
                jpegs.append((f, fh.read()))
    torch.cuda.init()
    print(f"{torch.cuda.get_device_name()}, torch {torch.__version__}, {len(jpegs)} JPEGs in {d}")
    libs = candidates(sys.argv[2:])
    print("libnvjpeg files:", libs or "none")
    for p in libs:
        probe(p, jpegs)


if __name__ == "__main__":
    main()
