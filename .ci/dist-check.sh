#!/usr/bin/env bash
# Checks that the binary distribution runs on a machine with no JDK and no Maven: unpacks
# dist/gpupool-*-linux-x86_64.tar.gz (or the tarball given) into an empty directory and runs its
# bin/gpupool with a clean environment (env -i: no JAVA_HOME, JAVA_OPTS, CLASSPATH, LD_LIBRARY_PATH)
# and a PATH that holds only the few tools a launcher may use, then checks --version, devices, and
# thumbnails of samples/ (exit 0, the summary line, every output there and non-empty).
#   .ci/dist-check.sh [TARBALL]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fail() { echo "dist-check: FAIL: $*" >&2; exit 1; }
step() { echo "dist-check: $*"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f s", b-a}'; }

tarball=${1:-}
if [ -z "$tarball" ]; then
  shopt -s nullglob; found=(dist/gpupool-*-linux-x86_64.tar.gz); shopt -u nullglob
  [ ${#found[@]} -eq 1 ] || fail "expected one dist/gpupool-*-linux-x86_64.tar.gz, found ${#found[@]} (run ./gpupool dist)"
  tarball=${found[0]}
fi
[ -f "$tarball" ] || fail "no tarball $tarball"
tarball=$(readlink -f "$tarball")
base=${tarball##*/}; version=${base#gpupool-}; version=${version%-linux-x86_64.tar.gz}
step "tarball $base ($(stat -c %s "$tarball") bytes), version $version"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# A PATH with no java and no mvn: this machine has both in /usr/bin, so it cannot be /usr/bin:/bin.
# It is a machine's PATH less Java and Maven: every command of /usr/local/bin, /usr/bin and /bin
# linked into one directory, except those that are, or lead to, a JDK's or Maven's. (Not only what
# the launcher calls: drivers run tools too, e.g. PoCL links each kernel it compiles with ld.)
mkdir "$tmp/path" "$tmp/home" "$tmp/unpacked"
for d in /usr/local/bin /usr/bin /bin; do
  for p in "$d"/*; do
    n=${p##*/}
    if [ ! -x "$p" ] || [ -d "$p" ] || [ -e "$tmp/path/$n" ]; then continue; fi
    case $n in java|java[!-]*|javac|javadoc|javap|jar|jarsigner|jlink|jdeps|jmod|jimage|jshell|jpackage|jcmd|jconsole|jdb|jfr|jhsdb|jinfo|jmap|jps|jrunscript|jstack|jstat|jstatd|jwebserver|keytool|rmiregistry|serialver|mvn|mvnDebug|mvnyjp) continue ;; esac
    case $(readlink -f "$p") in /usr/lib/jvm/*|/usr/share/maven/*|*/jdk*/bin/*|*/apache-maven*/*) continue ;; esac
    ln -s "$p" "$tmp/path/$n"
  done
done
for t in java javac mvn jlink jar; do
  if PATH=$tmp/path command -v "$t" >/dev/null 2>&1; then fail "the clean PATH has $t"; fi
done
for t in bash env; do PATH=$tmp/path command -v "$t" >/dev/null || fail "the clean PATH has no $t"; done
step "clean PATH: $(find "$tmp/path" -mindepth 1 | wc -l) commands of /usr/local/bin, /usr/bin, /bin, none of them java, javac, jlink, jar or mvn; JAVA_HOME and JAVA_OPTS unset"
# Runs a command as a user of the unpacked tarball would: env -i, the clean PATH, a fresh HOME.
# XDG_CACHE_HOME too: the JVM takes user.home from the password file, not HOME, and the workers' start-up
# caches would otherwise pile up in the real ~/.cache/gpupool, one per unpacked copy.
run() { env -i PATH="$tmp/path" HOME="$tmp/home" XDG_CACHE_HOME="$tmp/home/.cache" LANG=C.UTF-8 "$@"; }

start=$(date +%s.%N)
tar xzf "$tarball" -C "$tmp/unpacked" || fail "tar xzf $base"
unpacked=$(date +%s.%N)
home=$tmp/unpacked/gpupool-$version
gp=$home/bin/gpupool
for f in bin/gpupool lib/gpupool.jar runtime/bin/java README.txt; do
  [ -e "$home/$f" ] || fail "gpupool-$version/$f is missing from the tarball"
done
[ -x "$gp" ] || fail "bin/gpupool is not executable"
for t in javac jlink jar; do [ ! -e "$home/runtime/bin/$t" ] || fail "the runtime has $t: a JDK was packed, not a runtime"; done
[ -e "$home/lib/gpupool.aot" ] && aot=yes || aot="no (the launcher runs without)"
step "unpacked: gpupool-$version/{bin/gpupool, lib/gpupool.jar, runtime/, README.txt}; start-up cache: $aot"

out=$(run "$gp" --version 2>&1) || fail "bin/gpupool --version exited $?: $out"
step "bin/gpupool --version: $(echo "$out" | tr '\n' ' ')"
[ "$(echo "$out" | head -1)" = "gpupool $version" ] || fail "--version says '$(echo "$out" | head -1)', the tarball is $version"
echo "$out" | grep -q "^Java 25" || fail "--version does not report the bundled Java 25 runtime"

out=$(run "$gp" devices 2>&1) || fail "bin/gpupool devices exited $?: $out"
step "bin/gpupool devices: exit 0, $(echo "$out" | wc -l) lines"
while IFS= read -r line; do echo "    $line"; done <<<"$out"

# Every sample is an image (samples/ is flat): each gives NAME.jpg in the output directory.
shopt -s nullglob; samples=("$root"/samples/*); shopt -u nullglob
[ ${#samples[@]} -gt 0 ] || fail "no samples in $root/samples"
formats=(jpg)
if /sbin/ldconfig -p 2>/dev/null | grep -q 'libwebp\.so\.7 '; then formats+=(webp); else step "no libwebp.so.7 here: WebP output not checked"; fi
for fmt in "${formats[@]}"; do
  rc=0; t0=$(date +%s.%N)
  run "$gp" thumbnails "$root/samples" -o "$tmp/thumbs-$fmt" -s 256 -f "$fmt" 2>"$tmp/err-$fmt" || rc=$?
  t1=$(date +%s.%N); [ "$fmt" = jpg ] && first=$t1
  summary=$(tail -n 1 "$tmp/err-$fmt")
  step "bin/gpupool thumbnails samples/ -f $fmt: exit $rc in $(secs "$t0" "$t1"), '$summary'"
  [ $rc -eq 0 ] || { cat "$tmp/err-$fmt" >&2; fail "thumbnails -f $fmt exited $rc"; }
  [[ $summary =~ ^${#samples[@]}\ ok,\ 0\ failed,\ 0\ skipped\ in\ [0-9.]+\ s\ \(.*img/s\)\ on\ .+ ]] \
    || { cat "$tmp/err-$fmt" >&2; fail "summary line is not '${#samples[@]} ok, 0 failed, 0 skipped in T s (R img/s) on BACKEND'"; }
  for s in "${samples[@]}"; do
    n=${s##*/}; o=$tmp/thumbs-$fmt/${n%.*}.$fmt
    [ -s "$o" ] || fail "no output ${o#"$tmp"/} for samples/$n"
  done
  step "  all ${#samples[@]} outputs there and non-empty"
done
step "times: unpack $(secs "$start" "$unpacked"); unpack to the first thumbnails of samples/ done (after --version and devices) $(secs "$start" "$first")"

rc=0; out=$(run "$gp" test 2>&1) || rc=$?
[ $rc -eq 2 ] || fail "bin/gpupool test should refuse with exit 2 (no source tree here), it exited $rc: $out"
step "bin/gpupool test refuses (exit 2): $out"
step "OK: the tarball runs with no JDK and no Maven"
