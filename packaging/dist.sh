#!/usr/bin/env bash
# Packs dist/gpupool-VERSION-linux-x86_64.tar.gz: a jlinked Java runtime, host/target/gpupool.jar, an
# AOT start-up cache for the two, the distribution's launcher (packaging/gpupool) and README.txt, all
# under gpupool-VERSION/. It runs with no JDK and no Maven on the machine (.ci/dist-check.sh checks).
# Called by `./gpupool dist`, which has found a JDK 25 (JDK_HOME) and brought the jar up to date.
# GPUPOOL_NO_AOT=1 packs no start-up cache (faster to pack, slower to start).
set -euo pipefail
root=$(CDPATH='' cd -- "$(dirname "${BASH_SOURCE[0]}")/.." >/dev/null && pwd)
cd "$root"
jdk=${JDK_HOME:?JDK_HOME: the JDK 25 to pack (./gpupool dist sets it)}
say() { echo "gpupool dist: $*" >&2; }
for t in java jlink jdeps; do
  [ -x "$jdk/bin/$t" ] || { say "$jdk has no bin/$t: packing needs a full JDK 25, not a JRE"; exit 3; }
done
jar=host/target/gpupool.jar
[ -f "$jar" ] || { say "$jar is missing (./gpupool dist builds it)"; exit 3; }

# VERSION: the Maven project version, as the jar itself reports it (host's version.properties is
# filtered from ${project.version}), so the name and `gpupool --version` cannot disagree.
version=$("$jdk/bin/java" -jar "$jar" --version 2>/dev/null | awk 'NR==1 && $1=="gpupool" {print $2}')
[ -n "$version" ] || { say "could not read the version from '$jar --version'"; exit 3; }
arch=$(awk -F'"' '/^OS_ARCH=/{print $2}' "$jdk/release")
[ "$arch" = x86_64 ] || [ "$arch" = amd64 ] || { say "the JDK at $jdk is for '$arch'; only linux-x86_64 is packed (JCuda's natives in the jar are x86_64 only)"; exit 3; }
name=gpupool-$version
tarball=dist/$name-linux-x86_64.tar.gz

# The modules: what jdeps finds the jar's classes use, plus those only reached by reflection or
# services, which jdeps cannot see:
#   jdk.crypto.ec    named for https (since JDK 22 the EC code is in java.base and this module is
#                    empty; kept so that a build on an older 2x JDK still gets it)
#   jdk.unsupported  sun.misc.Signal, which jline (the progress bar's terminal) loads reflectively
#                    for window resizes
#   jdk.zipfs        the "jar" file system: not gpupool's, but the GPU check (bench/gpu-check.sh) runs
#                    the JUnit console on this runtime, and it scans test jars through it (~100 kB)
# (jdk.management is not needed: gpupool uses only java.lang.management.)
say "finding the modules the jar needs (jdeps) ..."
deps=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$jar")
modules=$(printf '%s\n' "${deps//,/$'\n'}" java.base jdk.crypto.ec jdk.unsupported jdk.zipfs | sed '/^$/d' | sort -u | paste -sd, -)
say "modules: $modules"

stage=dist/.stage; rm -rf "$stage"; mkdir -p "$stage/$name/bin" "$stage/$name/lib"
home=$root/$stage/$name
say "linking the runtime (jlink) ..."
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-9 \
  --output "$home/runtime"
# JDK builds ship libjvm.so with its symbol table (~5 MB): not needed to run; hs_err files show
# fewer native frame names without it.
if command -v strip >/dev/null; then
  strip --strip-unneeded "$home/runtime/lib/server/libjvm.so" || say "note: strip failed; libjvm.so packed as it was"
fi
# cp -p: the AOT cache records the jar's size and modification time, and tar keeps both.
cp -p "$jar" "$home/lib/gpupool.jar"
install -m 755 packaging/gpupool "$home/bin/gpupool"
java_version=$(awk -F'"' '/^JAVA_VERSION=/{print $2}' "$home/runtime/release")
sed -e "s/@VERSION@/$version/g" -e "s/@JAVA_VERSION@/$java_version/g" -e "s/@MODULES@/$modules/g" \
  packaging/README.txt > "$home/README.txt"
for l in LICENSE LICENSE.txt LICENSE.md COPYING; do
  [ -f "$l" ] && { cp "$l" "$home/$l"; break; }
done

# The start-up cache, trained with the bundled runtime on the samples exactly as the source launcher
# does (dev.gpupool.cli.AotTraining); a cache from any other runtime would be refused. The workers'
# caches that training also writes go to a throw-away XDG_CACHE_HOME: they are keyed on this staging
# path and are made again on the user's machine anyway.
if [ "${GPUPOOL_NO_AOT:-}" != 1 ] && [ -d samples ]; then
  say "training the start-up cache on samples/ with the bundled runtime ..."
  xdg=$(mktemp -d)
  if XDG_CACHE_HOME=$xdg "$home/runtime/bin/java" -XX:AOTCacheOutput="$home/lib/gpupool.aot" -XX:CompileThresholdScaling=10 \
       -Xlog:aot=off -Xlog:cds=off -cp "$home/lib/gpupool.jar" dev.gpupool.cli.AotTraining "$root/samples" >/dev/null 2>&1 \
     && [ -s "$home/lib/gpupool.aot" ]; then :; else
    rm -f "$home/lib/gpupool.aot"; say "note: no start-up cache packed (training failed); the launcher runs without"
  fi
  rm -rf "$xdg"
fi
rm -f "$home"/lib/*.log

# Real modification times are kept (no --mtime): the AOT cache checks the jar's.
mkdir -p dist
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -cf - "$name" | gzip -9 > "$tarball.tmp"
mv -f "$tarball.tmp" "$tarball"
rm -rf "$stage"
(cd dist && sha256sum "${tarball#dist/}" > "${tarball#dist/}.sha256")
bytes=$(stat -c %s "$tarball")
echo "$tarball  $(awk -v b="$bytes" 'BEGIN{printf "%.1f MB", b/1e6}') ($bytes bytes)"
