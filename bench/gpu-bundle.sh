#!/usr/bin/env bash
# Packs .devbundle/ (git-ignored) for bench/gpu-check.sh on a machine with an NVIDIA driver but no
# JDK, no Maven and no network: the binary distribution (gpupool.tar.gz, from ./gpupool dist), the JUnit console
# with host's test classes (for the tests tagged cuda), libturbojpeg/libwebp/the OpenCL ICD loader,
# an ICD entry for NVIDIA's OpenCL, samples/, a few real photos and the check script itself.
# Run it from the repository root:  bench/gpu-bundle.sh
#   JDK25=dir      the JDK to build and jlink with (default /usr/lib/jvm/temurin-25*)
#   PHOTOS=dir     photos to take from (default bench/photos, else bench/photos.sh fetches them)
#   PHOTO_COUNT=n  how many (default 10, spread over the sizes; at most PHOTO_MIB, default 6 MiB, of them)
set -euo pipefail
root=$(git rev-parse --show-toplevel); cd "$root"
jdk=${JDK25:-$(find /usr/lib/jvm -maxdepth 1 -name "temurin-25*" | sort | head -1)}
[ -x "$jdk/bin/jlink" ] || { echo "no JDK 25 with jlink found (set JDK25)" >&2; exit 1; }
export JAVA_HOME=$jdk
mvnq() { MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow} mvn -B -q "$@"; }

echo "building host/target/gpupool.jar and host's test classes ..."
mvnq -pl host -am package -DskipTests          # -DskipTests still compiles the tests
out=.devbundle; rm -rf "$out"; mkdir -p "$out/lib" "$out/icd" "$out/test" "$out/photos"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# gpupool itself: the binary distribution (./gpupool dist: a jlinked runtime, the jar, the start-up
# cache, bin/gpupool), so that the GPU check runs what users download. The JUnit console below runs
# on its runtime too: java.sql, which it needs, is among gpupool's modules.
JAVA_HOME=$jdk ./gpupool dist
tarballs=(dist/gpupool-*-linux-x86_64.tar.gz)
[ ${#tarballs[@]} -eq 1 ] || { echo "expected one dist/gpupool-*-linux-x86_64.tar.gz, found ${#tarballs[@]}" >&2; exit 1; }
# Without its AOT cache (26 MB unpacked, 7 MB packed; the launcher starts without it): the device tool
# carries at most 64 MiB, the repository included.
mkdir -p "$tmp/dist" && tar xzf "${tarballs[0]}" -C "$tmp/dist"
rm -f "$tmp"/dist/*/lib/gpupool.aot
tar czf "$out/gpupool.tar.gz" -C "$tmp/dist" "$(ls "$tmp/dist")"

# Tests: the JUnit console (platform 1.x for JUnit 5.x), host's test classes, and the test-only
# dependencies beyond JUnit itself (the runtime ones are in gpupool.jar already).
junit=$(sed -n 's:.*<junit.version>\(5\.[0-9.]*\)</junit.version>.*:\1:p' pom.xml)
mvnq dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:1.${junit#5.}" \
  -DoutputDirectory="$out/test" -Dmdep.stripVersion=true
"$jdk/bin/jar" --create --file "$out/test/gpupool-host-tests.jar" -C host/target/test-classes .
mvnq -pl host dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$tmp/test.cp"
mvnq -pl host dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$tmp/run.cp"
tr : '\n' < "$tmp/test.cp" | { grep -vxFf <(tr : '\n' < "$tmp/run.cp") || true; } \
  | { grep -Ev '/(org/junit|org/opentest4j|org/apiguardian)/' || true; } > "$tmp/extra"
while read -r j; do cp "$j" "$out/test/"; echo "test dependency: ${j##*/}"; done < "$tmp/extra"

# Native libraries as on the lent machines so far: the OpenCL ICD loader and the codecs bound through FFM.
(cd "$tmp" && apt-get download ocl-icd-libopencl1 >/dev/null 2>&1 && dpkg -x ocl-icd-libopencl1_*.deb x) \
  && cp -L "$tmp"/x/usr/lib/x86_64-linux-gnu/libOpenCL.so.1 "$out/lib/libOpenCL.so.1" \
  && cp "$out/lib/libOpenCL.so.1" "$out/lib/libOpenCL.so" \
  || echo "note: no ICD loader packed (apt-get download ocl-icd-libopencl1 failed)"
echo libnvidia-opencl.so.1 > "$out/icd/nvidia.icd"
for l in libturbojpeg.so.0 libwebp.so.7; do
  if [ -e "/usr/lib/x86_64-linux-gnu/$l" ]; then cp -L "/usr/lib/x86_64-linux-gnu/$l" "$out/lib/$l"
  else echo "note: $l not found here (apt-get install libturbojpeg0 libwebp7); the bundle decodes without it"; fi
done

# Images: the samples, and PHOTO_COUNT real photos spread evenly over the sizes, under 24 MiB.
cp -r samples "$out/samples"
photos=${PHOTOS:-bench/photos}
if [ ! -d "$photos" ] || [ -z "$(ls "$photos")" ]; then photos=$tmp/photos; bench/photos.sh "$photos"; fi
mapfile -t all < <(find "$photos" -maxdepth 1 -name '*.jpg' -printf '%s %p\n' | sort -n | cut -d' ' -f2-)
n=${PHOTO_COUNT:-10}; budget=$((${PHOTO_MIB:-6} << 20)); used=0
for ((i = 0; i < n && ${#all[@]} > 0; i++)); do
  f=${all[$((i * ${#all[@]} / n))]}; s=$(stat -c %s "$f")
  ((used + s <= budget)) || continue
  cp "$f" "$out/photos/"; used=$((used + s))
done

# The kernel sources and PTX (112 kB): the fake driver's tests read them from gpupool.kernels.dir.
cp -r kernels "$out/kernels"
cp bench/gpu-check.sh bench/nvjpeg_probe.py bench/peers/torch_nvjpeg.py "$out/"
# NVIDIA's libnvjpeg (CUDA 12, 6.7 MB, from Maven Central): GPU machines often lack the toolkit's copy.
../shared/tools/fetch-libnvjpeg.sh "$out/lib" || echo "note: no libnvjpeg packed (../shared/tools/fetch-libnvjpeg.sh failed)"
# Compiled here: the runtime has no jdk.compiler, so no single-file source launch there.
"$jdk/bin/javac" --release 25 -d "$out" bench/PixelDiff.java
"$jdk/bin/javac" --release 25 -cp host/target/gpupool.jar -d "$out" bench/QualityCheck.java
echo "packed $out: $(du -sh "$out" | cut -f1) ($(find "$out/photos" -type f | wc -l) photos, $((used >> 20)) MiB of them)"
du -sh "$out"/* | sort -h
echo "on the GPU machine: carry [\".devbundle\"], command: bash .devbundle/gpu-check.sh"
