#!/usr/bin/env bash
# Makes photo sets that differ from bench/photos.sh's 42 wallpapers in the ways issue 16 item 5
# names (encoding, sizes, batch length), so that gpupool is measured on sets it was not tuned on.
# Every image is one of the real photos, re-encoded, scaled or cropped: no synthetic pixels.
#
#   bench/photo-sets.sh DIR [PHOTOS]     (PHOTOS: bench/photos.sh's output, default bench/photos)
#
# Writes into DIR (each a folder of JPEGs; the same input always gives the same files):
#   baseline420/  the 42 photos re-encoded baseline, 4:2:0, quality 90 (what cameras and phones write)
#   progressive/  the 42 originals made progressive by jpegtran, losslessly (same pixels, same sampling)
#   unseen29a/    29 photos shaped like issue 16's unseen set: 0.7-15 MP, 25 baseline 4:2:0 and 4
#                 progressive, 6 of them 5120x2880 (scaled and centre-cropped to 16:9)
#   unseen29b/    the same recipe with another pick and order of sources and sizes
#   large230/     230 photos: every source at six scales (0.7-15 MP), 1 in 4 progressive
# Needs python3 with Pillow (Debian: python3-pil) and jpegtran (Debian: libjpeg-turbo-progs).
set -euo pipefail
out=${1:?usage: bench/photo-sets.sh DIR [PHOTOS]}
src=${2:-$(dirname "$0")/photos}
[ "$(ls "$src"/*.jpg 2>/dev/null | wc -l)" -ge 42 ] || { echo "photo-sets: fewer than 42 JPEGs in $src (run bench/photos.sh first)" >&2; exit 2; }
command -v jpegtran >/dev/null || { echo "photo-sets: jpegtran missing (apt-get install libjpeg-turbo-progs)" >&2; exit 2; }
py=
for p in python3 /usr/bin/python3; do "$p" -c 'import PIL' 2>/dev/null && { py=$p; break; }; done
[ -n "$py" ] || { echo "photo-sets: no python3 with Pillow (apt-get install python3-pil)" >&2; exit 2; }
mkdir -p "$out"; out=$(cd "$out" && pwd)

# Each set is built in a temporary folder and renamed into place: a set appears whole or not at all.
fresh() { rm -rf "$out/$1" "$out/.$1.tmp"; mkdir -p "$out/.$1.tmp"; echo "$out/.$1.tmp"; }
done_set() { mv "$out/.$1.tmp" "$out/$1"; echo "$(ls "$out/$1" | wc -l) photos in $out/$1"; }

t=$(fresh progressive)
for f in "$src"/*.jpg; do jpegtran -copy all -optimize -progressive -outfile "$t/$(basename "$f")" "$f"; done
done_set progressive

for set in baseline420 unseen29a unseen29b large230; do
  t=$(fresh $set)
  "$py" - "$src" "$t" "$set" <<'EOF'
import os, random, sys
from PIL import Image, ImageOps
src, dst, kind = sys.argv[1:4]
names = sorted(n for n in os.listdir(src) if n.lower().endswith('.jpg'))

def save(im, info, path, progressive):
    # 4:2:0 (Pillow's subsampling=2) at quality 90, EXIF and ICC kept so orientation and colour stay.
    kw = dict(quality=90, subsampling=2 if im.mode != 'L' else 0, progressive=progressive, optimize=progressive)
    if info.get('exif'): kw['exif'] = info['exif']
    if info.get('icc_profile'): kw['icc_profile'] = info['icc_profile']
    im.save(path, 'JPEG', **kw)

def shaped(im, mp=None, box=None):
    # box: scale to cover (w, h) and crop the centre; mp: scale to that many megapixels (never up).
    if box:
        return ImageOps.fit(im, box, Image.LANCZOS)
    s = min(1.0, (mp * 1e6 / (im.width * im.height)) ** 0.5)
    return im if s >= 1.0 else im.resize((max(1, round(im.width * s)), max(1, round(im.height * s))), Image.LANCZOS)

def load(n):
    im = Image.open(os.path.join(src, n)); info = dict(im.info); im.load()
    return im, info

if kind == 'baseline420':
    for n in names:
        im, info = load(n); save(im, info, os.path.join(dst, n), False)
elif kind.startswith('unseen29'):
    rng = random.Random(kind)          # seeded by the set's name: the same files every time
    big = [n for n in names if Image.open(os.path.join(src, n)).width >= 5120 and Image.open(os.path.join(src, n)).height >= 2880]
    picks = rng.sample(big, 6) + rng.sample([n for n in names if n not in big], 23) if len(big) >= 6 else rng.sample(names, 29)
    order = list(range(29)); rng.shuffle(order)
    for i, n in enumerate(picks):
        im, info = load(n)
        if i < 6:
            im = shaped(im, box=(5120, 2880))
        else:
            im = shaped(im, mp=rng.uniform(0.7, 15.0))
        save(im, info, os.path.join(dst, '%02d_%s' % (order[i], n)), progressive=(i % 6 == 5))
else:  # large230: every source at six scales, 1 in 4 progressive, 230 in all
    rng = random.Random(kind); k = 0
    for v, mp in enumerate((15.0, 9.0, 5.0, 3.0, 1.5, 0.7)):
        for n in names:
            if k == 230: break
            im, info = load(n)
            save(shaped(im, mp=mp * rng.uniform(0.85, 1.0)), info, os.path.join(dst, 'v%d_%s' % (v, n)), progressive=(k % 4 == 3))
            k += 1
EOF
  done_set $set
done
