#!/usr/bin/env bash
# Makes the benchmark corpus: 42 real photographs (0.8-30 MP JPEGs; baseline and progressive;
# 4:4:4, 4:2:2, 4:2:0; one greyscale) from Debian's wallpaper packages, into DIR (default
# bench/photos). Uses only `apt-get download` and `dpkg -x`; nothing is installed.
set -euo pipefail
dir=${1:-$(dirname "$0")/photos}
mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 ukui-wallpapers plasma-workspace-wallpapers >/dev/null
for d in *.deb; do dpkg -x "$d" x; done
cp x/usr/share/backgrounds/*.jpg "$dir/"
for f in x/usr/share/wallpapers/*/contents/images/*.jpg; do
  [ -s "$f" ] && [ ! -L "$f" ] || continue
  n=$(echo "$f" | cut -d/ -f5); cp "$f" "$dir/plasma-$n.jpg"
done
echo "$(ls "$dir" | wc -l) photos in $dir"
