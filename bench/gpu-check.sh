#!/usr/bin/env bash
# One-command GPU check for a machine with an NVIDIA driver but no JDK, no Maven and no network.
# It runs from the bundle that bench/gpu-bundle.sh packs (.devbundle/):
#   bash .devbundle/gpu-check.sh        or        bash bench/gpu-check.sh .devbundle
# Sections (each bounded by `timeout`, all together by GPUPOOL_CHECK_BUDGET seconds, default 280;
# GPUPOOL_CHECK_SKIP="s_nvjpeg s_bench ..." skips sections by function name):
# nvidia-smi, gpupool devices, the tests tagged cuda, selftest --backend cuda, thumbnails on cuda vs
# cpu-threads (bytes and pixels), an nvJPEG probe and PyTorch's nvJPEG peer (when python3 has torch),
# bench cpu,cuda[,opencl], compute-sanitizer memcheck. A failing
# section never stops the others; the last line counts them. Without a GPU, against the fake driver:
#   GPUPOOL_CHECK_LIBCUDA=/tmp/fakecuda/libcuda.so.1 bash bench/gpu-check.sh .devbundle
set -uo pipefail
b=${1:-$(dirname "${BASH_SOURCE[0]}")}
[ -f "$b/gpupool.tar.gz" ] || b=.devbundle
[ -f "$b/gpupool.tar.gz" ] || { echo "gpu-check: no bundle (gpupool.tar.gz) at ${1:-$b}; pack one with bench/gpu-bundle.sh" >&2; exit 2; }
b=$(cd "$b" && pwd)
work=${GPUPOOL_CHECK_WORK:-/tmp/gpcheck}; rm -rf "$work/out"; mkdir -p "$work/out"
deadline=$((SECONDS + ${GPUPOOL_CHECK_BUDGET:-280}))

# The binary distribution (runtime, jar, bin/gpupool), unpacked once per bundle; the bundle's
# libraries, then the driver's, on the library path.
dist=$work/dist-$(cksum < "$b/gpupool.tar.gz" | cut -d' ' -f1)
[ -x "$dist/bin/gpupool" ] || { rm -rf "$dist" && mkdir -p "$dist" && tar xzf "$b/gpupool.tar.gz" -C "$dist" --strip-components=1; } \
  || { echo "gpu-check: cannot unpack $b/gpupool.tar.gz into $dist" >&2; exit 2; }
jre=$dist/runtime java=$dist/runtime/bin/java jar=$dist/lib/gpupool.jar
jopts=(--enable-native-access=ALL-UNNAMED)
nv=$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 /{print $NF; exit}'); nv=${nv:+$(dirname "$nv")}
fake=${GPUPOOL_CHECK_LIBCUDA:-}
if [ -n "$fake" ]; then
  [ -f "$fake" ] || echo "gpu-check: GPUPOOL_CHECK_LIBCUDA=$fake does not exist" >&2
  fake=$(readlink -f "$fake"); nv=$(dirname "$fake"); jopts+=("-Dgpupool.cuda.library=$fake" "-Dgpupool.fakecuda=$fake")
  # The fake libnvjpeg built beside it (host/src/test/native/fakecuda), never NVIDIA's with the fake driver.
  [ -f "$nv/libnvjpeg.so.13" ] && jopts+=("-Dgpupool.nvjpeg.library=$nv/libnvjpeg.so.13")
fi
export LD_LIBRARY_PATH="${nv:+$nv:}$b/lib:/usr/local/nvidia/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OCL_ICD_VENDORS="$b/icd" JAVA_HOME=$jre
echo "gpu-check: bundle $b, java $("$java" -version 2>&1 | head -1), libcuda ${fake:-${nv:-not found by ldconfig}}"

passed=0 failed=0 skipped=0 results=() notes=()
# t CMD...: CMD under timeout, with what is left of the current section's budget.
t() { local left=$((end - SECONDS)); ((left > 0)) || return 124; timeout -k 5 "$left" "$@"; }
# gpupool as users run it: the distribution's launcher (start-up cache and all), the options through JAVA_OPTS.
gp() { JAVA_OPTS="${jopts[*]}${JAVA_OPTS:+ $JAVA_OPTS}" t "$dist/bin/gpupool" "$@"; }
# section NAME BUDGET FUNCTION: runs FUNCTION (which may set skip=REASON), prints and counts its status.
section() {
  local name=$1 budget=$2 rc t0=$SECONDS; skip=
  end=$((SECONDS + budget)); ((end > deadline)) && end=$deadline
  printf '\n===== %s (budget %ss) =====\n' "$name" "$((end - SECONDS))"
  if ((end - SECONDS < 5)); then skip="no time left of the check's budget"; rc=0
  elif [[ " ${GPUPOOL_CHECK_SKIP:-} " == *" $3 "* ]]; then skip="GPUPOOL_CHECK_SKIP names $3"; rc=0
  else "$3"; rc=$?; fi
  local status
  if [ -n "$skip" ]; then status="SKIP ($skip)"; skipped=$((skipped + 1))
  elif ((rc == 0)); then status=PASS; passed=$((passed + 1))
  elif ((rc == 124 || rc == 137)); then status="FAIL (timed out, exit $rc)"; failed=$((failed + 1))
  else status="FAIL (exit $rc)"; failed=$((failed + 1)); fi
  printf -- '----- %s: %s in %ss\n' "$name" "$status" "$((SECONDS - t0))"
  results+=("$name: $status")
}

s_smi() { command -v nvidia-smi >/dev/null || { skip="nvidia-smi not found"; return 0; }; t nvidia-smi; }
s_devices() { # a GPU check: fails unless the cuda backend is usable
  gp devices | tee "$work/out/devices.txt" && grep -q '^cuda: usable' "$work/out/devices.txt"; local rc=$?
  notes+=("$(grep -m1 'jpeg on the GPU' "$work/out/devices.txt" | sed 's/^ *//')")
  return "$rc"
}
s_tests() {
  local cp="$jar:$b/test/gpupool-host-tests.jar" j
  for j in "$b"/test/*.jar; do case $j in *console-standalone*|*host-tests.jar) ;; *) cp+=":$j" ;; esac; done
  t "$java" "${jopts[@]}" -Dgpupool.requireGpu=true -Dgpupool.kernels.dir="$b/kernels" -Dgpupool.samples.dir="$b/samples" -jar "$b/test/junit-platform-console-standalone.jar" execute \
    --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests --class-path "$cp" \
    --scan-class-path "$b/test/gpupool-host-tests.jar" --include-tag cuda
}
s_selftest() {
  gp selftest --backend cuda | tee "$work/out/selftest.txt"; local rc=$?
  notes+=("$(grep -h -m1 'limits:' "$work/out/selftest.txt")" "$(grep -h -m1 'max difference' "$work/out/selftest.txt")")
  return "$rc"
}
s_thumbnails() { # the resize kernels: with GPU decoding off, cuda must equal cpu-threads byte for byte
  local o=$work/out rc=0 be f same=0 differ=()
  for be in cuda cpu-threads; do
    echo "$be (decoding on CPU threads): JPEG, then PNG"
    GPUPOOL_GPU_DECODE=off gp thumbnails "$b/samples" "$b/photos" --backend "$be" -o "$o/$be" || rc=1
    GPUPOOL_GPU_DECODE=off gp thumbnails "$b/samples" "$b/photos" --backend "$be" -f png -o "$o/$be-png" || rc=1
  done
  ((rc == 0)) || { echo "a thumbnails run failed; compared what was written"; }
  [ -d "$o/cuda" ] || return 1
  echo "JPEGs, cuda against cpu-threads, byte for byte:"
  while read -r f; do
    if cmp -s "$o/cuda/$f" "$o/cpu-threads/$f"; then same=$((same + 1)); else differ+=("$f"); echo "  differs: $f"; fi
  done < <(cd "$o/cuda" && find . -type f | sort)
  echo "bytes: ${same} identical, ${#differ[@]} differ"
  notes+=("thumbnails (GPU decoding off): $same identical JPEGs, ${#differ[@]} differ")
  # Lossless copies say how far apart the resized pixels are (JPEG re-encoding would blur that).
  mapfile -t pngs < <(cd "$o/cuda-png" 2>/dev/null && find . -type f | sort)
  ((${#pngs[@]})) || return 1
  t "$java" -cp "$b" PixelDiff 1 "$o/cuda-png" "$o/cpu-threads-png" "${pngs[@]}" | tee "$o/pixels.txt" || rc=1
  notes+=("$(tail -1 "$o/pixels.txt")")
  return "$rc"
}
s_gpu_jpeg() { # nvJPEG decode and encode: which lane each photo took, and quality against a full-resolution reference
  local o=$work/out rc=0
  gp thumbnails "$b/photos" --backend cuda -o "$o/gj" --report "$o/gj.json" || rc=1
  gp thumbnails "$b/photos" --backend cuda -f png -o "$o/gj-png" || rc=1
  gp thumbnails "$b/photos" --backend cpu-threads -o "$o/cj" || rc=1
  gp thumbnails "$b/photos" --backend cpu-threads -f png -o "$o/cj-png" || rc=1
  local hw; hw=$(grep -o '"nvjpeg-hardware"' "$o/gj.json" | wc -l)
  echo "photos decoded by nvJPEG's hardware decoder: $hw of $(ls "$b/photos" | wc -l) (the rest: progressive, taken by the CPU lane)"
  t "$java" -cp "$jar:$b" QualityCheck "$b/photos" 256 cuda-png="$o/gj-png" cpu-png="$o/cj-png" cuda-jpeg="$o/gj" cpu-jpeg="$o/cj" \
    | tee "$o/quality.txt" || rc=1
  notes+=("gpu decode: $hw photos on nvjpeg-hardware; $(tail -1 "$o/quality.txt")")
  # The target: PSNR at least the CPU path's (full-resolution decoding should not make it worse).
  awk '/^quality:/ { for (i = 1; i <= NF; i++) { if ($i == "cuda-png") g = $(i+1); if ($i == "cpu-png") c = $(i+1) } }
       END { if (g == "" || g + 0.25 < c) { print "cuda PNG quality " g " dB is below cpu-threads " c " dB"; exit 1 } }' "$o/quality.txt" || rc=1
  ((hw > 0)) || { echo "no photo took the GPU JPEG lane"; rc=1; }
  return "$rc"
}
# The measured sections run on PHOTO_COPIES (default 10) copies of each photo, so batches are full.
many_photos() {
  local many=$work/photos-many f i
  [ -d "$many" ] && [ "$(ls "$many" | wc -l)" -gt 0 ] && { echo "$many"; return; }
  mkdir -p "$many"
  for f in "$b"/photos/*.jpg; do
    for ((i = 1; i <= ${PHOTO_COPIES:-10}; i++)); do cp "$f" "$many/$(basename "${f%.jpg}")-$i.jpg"; done
  done
  echo "$many"
}
s_bench() {
  local backends=cpu,cuda many; many=$(many_photos)
  # gpupool devices found it usable (ldconfig may not list NVIDIA's OpenCL library where the driver is mounted)
  if grep -q '^opencl: usable' "$work/out/devices.txt" 2>/dev/null; then backends+=,opencl
  else echo "(no opencl: gpupool devices did not find it usable)"; fi
  gp bench "$many" --backend "$backends" --rounds 3 --no-peer -o "$work/out/bench" | tee "$work/out/bench.txt" \
    && ! grep -q 'left out' "$work/out/bench.txt"   # a backend the bench could not use fails the section
}
s_lanes() { # the two decode lanes of the cuda backend alone, on baseline JPEGs only (the ones the hardware decoder takes)
  local many base f; many=$(many_photos); base=$work/photos-baseline
  rm -rf "$base"; mkdir -p "$base"
  for f in "$many"/*.jpg; do LC_ALL=C grep -q $'\xFF\xC2' "$f" || cp "$f" "$base/"; done
  echo "$(ls "$base" | wc -l) baseline JPEGs"
  echo "--- cuda, GPU JPEG lane (with the CPU threads taking what it has no room for; thumbnails encoded on CPU threads):"
  gp bench "$base" --backend cpu,cuda --rounds 3 --no-peer -o "$work/out/lanes-on" | grep -E '^\| (cpu|cuda) '
  echo "--- cuda, GPU JPEG lane with every JPEG encoded by nvJPEG on the device (GPUPOOL_GPU_ENCODE=on):"
  GPUPOOL_GPU_ENCODE=on gp bench "$base" --backend cuda --rounds 3 --no-peer -o "$work/out/lanes-gpuenc" | grep -E '^\| cuda '
  echo "--- cuda, GPU decoding off:"
  GPUPOOL_GPU_DECODE=off gp bench "$base" --backend cuda --rounds 3 --no-peer -o "$work/out/lanes-off" | grep -E '^\| cuda '
  echo "--- stage busy seconds of one cuda run (report):"
  gp thumbnails "$base" --backend cuda -o "$work/out/lanes-run" --report "$work/out/lanes.json" >/dev/null
  tr -d '\n ' < "$work/out/lanes.json" | grep -o '"stages":{[^}]*}'
  echo "decoded on the GPU: $(grep -o '"nvjpeg-hardware"' "$work/out/lanes.json" | wc -l) of $(ls "$base" | wc -l)"
}
s_profile() { # which threads of a cuda run use the CPU: /proc per-thread CPU ticks, 1 s apart, mid-run
  local many pid; many=$(many_photos)
  JAVA_OPTS="${jopts[*]}" "$dist/bin/gpupool" thumbnails "$many" --backend cuda -o "$work/out/prof" >/dev/null 2>&1 &
  pid=$!
  snap() { local t; for t in /proc/$pid/task/*; do
    { printf '%s %s %s\n' "${t##*/}" "$(tr ' ' _ < "$t/comm")" "$(awk '{print $14 + $15}' "$t/stat")"; } 2>/dev/null; done; }
  sleep "${PROFILE_AT:-1.5}"; snap > "$work/p1"; sleep 1; snap > "$work/p2"
  wait "$pid"
  echo "CPU ticks (1/100 s) per thread kind over 1 s of a cuda run, most first:"
  awk 'NR == FNR { a[$1] = $3; next } ($1 in a) { n = $2; gsub(/[0-9]+$/, "", n); d[n] += $3 - a[$1] }
       END { for (k in d) if (d[k] > 0) print d[k], k }' "$work/p1" "$work/p2" | sort -rn | head -15
}
s_cputime() { # CPU time per image of whole runs (the JVM and its worker processes), one run each
  local many be; many=$(many_photos)
  local n; n=$(ls "$many" | wc -l)
  for be in cpu cuda cuda-cpu-decode; do
    local opt=(--backend "${be%-cpu-decode}") env=()
    [ "$be" = cuda-cpu-decode ] && env=(GPUPOOL_GPU_DECODE=off)
    local t0=$SECONDS s
    s=$( { TIMEFORMAT="%R %U %S"; time env "${env[@]}" JAVA_OPTS="${jopts[*]}" timeout -k 5 60 "$dist/bin/gpupool" thumbnails "$many" "${opt[@]}" \
          -o "$work/out/ct-$be" >/dev/null 2>&1; } 2>&1 | tail -1)
    awk -v be="$be" -v n="$n" '{ printf "%-16s %d images: %.2f s wall, %.2f s CPU (user %.2f + sys %.2f), %.1f ms CPU per image\n", be, n, $1, $2 + $3, $2, $3, 1000 * ($2 + $3) / n }' <<< "$s"
  done | tee "$work/out/cputime.txt"
  notes+=("$(tr '\n' ';' < "$work/out/cputime.txt")")
}
# Planning for the GPU codec (no gpupool code): what libnvjpeg there is and what its backends decode how
# fast, then PyTorch's nvJPEG pipeline, the GPU peer, on the same photos. They need python3 with torch.
py_torch() { command -v python3 >/dev/null && python3 -c 'import torch, torchvision' 2>/dev/null; }
s_nvjpeg() {
  py_torch || { skip="no python3 with torch and torchvision"; return 0; }
  command -v nvidia-smi >/dev/null && nvidia-smi -q | grep -i -E -A2 'jpg|jpeg|decoder' | head -20
  PYTHONUNBUFFERED=1 t python3 "$b/nvjpeg_probe.py" "$b/photos" "$b"/lib/libnvjpeg.so.*
}
s_torch_peer() {
  py_torch || { skip="no python3 with torch and torchvision"; return 0; }
  PYTHONUNBUFFERED=1 t python3 "$b/torch_nvjpeg.py" "$(many_photos)" "$work/out/torch" 256 5 | tee "$work/out/torch.txt"
  notes+=("$(grep -h 'median' "$work/out/torch.txt")")
}
s_sanitizer() {
  local cs; cs=$(command -v compute-sanitizer || find /usr/local/cuda*/bin -name compute-sanitizer 2>/dev/null | head -1)
  [ -n "$cs" ] || { skip="compute-sanitizer not found"; return 0; }
  t "$cs" --tool memcheck --target-processes all --error-exitcode 99 "$java" "${jopts[@]}" -jar "$jar" \
    thumbnails --backend cuda -j 1 "$b/samples/plasma-landscape.jpg" "$b/samples/disc-alpha.png" -o "$work/out/sanitizer"
}

section "nvidia-smi" 15 s_smi
section "gpupool devices" 40 s_devices
section "tests tagged cuda (JUnit, -Dgpupool.requireGpu=true)" 90 s_tests
section "selftest --backend cuda" 40 s_selftest
section "thumbnails: cuda vs cpu-threads, GPU decoding off" 60 s_thumbnails
section "GPU JPEG lane: nvJPEG decode/encode, quality vs full-resolution reference" 60 s_gpu_jpeg
section "nvJPEG probe (libraries, backends, batched decode speed)" 45 s_nvjpeg
section "peer: torchvision nvJPEG decode, resize, encode" 45 s_torch_peer
section "bench on real photos" 90 s_bench
section "decode lanes alone, on baseline JPEGs" 90 s_lanes
section "CPU time per image: cpu, cuda, cuda with GPU decoding off" 60 s_cputime
section "where the cuda backend's CPU time goes (threads)" 30 s_profile
section "compute-sanitizer memcheck" 90 s_sanitizer

printf '\n===== summary =====\n'
printf '%s\n' "${results[@]}"
for n in "${notes[@]}"; do [ -n "$n" ] && echo "note: $n"; done
echo "gpu-check: $passed passed, $failed failed, $skipped skipped of ${#results[@]} sections in ${SECONDS}s"
((failed == 0))
