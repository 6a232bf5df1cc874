#!/usr/bin/env bash
# Runs gpupool's Spark job on a real standalone cluster on loopback: one master and two workers (one core
# each), started from the Spark jars Maven resolved (spark/target/spark-classpath.txt; nothing downloaded
# but Maven Central's artifacts), submits dev.gpupool.spark.ThumbnailJob over N photos (default 200:
# copies under distinct names of the JPEGs in PHOTOS), then checks that every output and report row
# arrived and that both workers' executors did work. Stops everything it started on exit.
# The Spark home holds Spark's jars only (scope provided, as a Spark distribution's jars/); gpupool and
# picocli reach the cluster in the application jar, as they would on anyone's cluster.
#   spark/scripts/standalone-cluster.sh [PHOTOS_DIR [N]] [-- extra thumbnails options]
# Environment: WORK (scratch dir, default a new temp dir, kept on failure), JAVA_HOME (JDK 25+).
#   GPU_ADDRESSES="7 9": GPU scheduling too. Worker i announces the i-th address as its one GPU (through
#   gpu-discovery.sh's GPUPOOL_FAKE_GPUS), and the job is submitted with
#   spark.executor.resource.gpu.amount=1 and spark.task.resource.gpu.amount=1. Checked in its report: each
#   executor's rows name the one address its worker handed it, both addresses appear, and a row whose
#   address nvidia-smi does not list ran on cpu-threads with the reason in "fallback" (one it lists: on cuda).
#   On a machine with two GPUs, GPU_ADDRESSES="0 1" runs them for real.
#   SPARK_HOME_EXTRA_JARS="a.jar:b.jar": put these in the Spark home too (e.g. picocli, to show a cluster
#   class path that carries the job's own libraries does not break it).
#   SUBMIT_OPTS="--conf k=v ...": more spark-submit options (e.g. spark.driver.userClassPathFirst=true).
#   KILL_WORKER_AT=K: once K outputs exist, kill -9 worker 2 and its executor (a machine lost mid-job).
#   The job must still finish on worker 1 with every output written once and whole and one report row per
#   input; outputs the killed executor had finished may be reported "skipped" by the retried task, so the
#   check is then ok + skipped = N, failed = 0, and no temporary file left behind.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
photos=${1:-/tmp/photos}; n=${2:-200}
shift $(( $# > 2 ? 2 : $# )) || true
[ "${1:-}" = -- ] && shift
extra=("$@")
major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2; exit}'; }
java=""
for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null || true)" /usr/lib/jvm/*/bin/java; do
  [ -x "$c" ] && [ "$(major "$c")" -ge 25 ] 2>/dev/null && { java=$c; break; }
done
[ -n "$java" ] || { echo "no JDK 25 or newer (set JAVA_HOME)" >&2; exit 3; }
export JAVA_HOME; JAVA_HOME=$(cd "$(dirname "$java")/.." && pwd)   # workers start executors with it
work=${WORK:-$(mktemp -d /tmp/gpupool-spark-cluster.XXXXXX)}
mkdir -p "$work"
jar="$root/spark/target/gpupool-spark.jar"; cp_file="$root/spark/target/spark-classpath.txt"

if [ ! -f "$jar" ] || [ ! -f "$cp_file" ]; then
  echo "building spark/target/gpupool-spark.jar ..." >&2
  (cd "$root" && MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}" mvn -q -B -DskipTests -pl spark -am package)
fi
ls "$photos"/*.jpg >/dev/null 2>&1 || { echo "no JPEGs in $photos (make some: bench/photos.sh DIR)" >&2; exit 2; }

# A Spark home made of links to Maven's jars: what the worker's executor launcher looks for ($SPARK_HOME/jars).
home="$work/spark-home"; mkdir -p "$home/jars" "$home/conf"
tr ':' '\n' < "$cp_file" | while read -r j; do [ -f "$j" ] && ln -sf "$j" "$home/jars/"; done
if ls "$home/jars" | grep -E '^(gpupool-|picocli-)' >&2; then
  echo "the Spark home holds gpupool's own jars (above): $cp_file is not Spark's class path only; rebuild (mvn -pl spark -am package)" >&2
  exit 3
fi
IFS=: read -r -a extra_jars <<<"${SPARK_HOME_EXTRA_JARS:-}"
for j in "${extra_jars[@]}"; do [ -n "$j" ] && ln -sf "$(readlink -f "$j")" "$home/jars/"; done
cp "$root/spark/conf/log4j2.properties" "$home/conf/"
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_CONF_DIR="$home/conf"
jvm=(@"$root/spark/jvm.options")   # daemons log at Spark's default INFO (registration is checked in it)
quiet=(-Dlog4j2.configurationFile="$home/conf/log4j2.properties")

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'echo "stopped by a signal (logs in $work)" >&2; exit 124' TERM INT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
"$java" "${jvm[@]}" -Xmx512m -cp "$home/jars/*" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port 0 >"$work/master.log" 2>&1 &
pids+=($!)
read -r -a gpus <<<"${GPU_ADDRESSES:-}"
[ ${#gpus[@]} = 0 ] || [ ${#gpus[@]} = 2 ] || { echo "GPU_ADDRESSES: two addresses, one a worker (not '${GPU_ADDRESSES}')" >&2; exit 2; }
worker_pids=()
for w in 1 2; do
  gpu_opts=()
  [ ${#gpus[@]} = 2 ] && gpu_opts=(-Dspark.worker.resource.gpu.amount=1
    -Dspark.worker.resource.gpu.discoveryScript="$root/spark/scripts/gpu-discovery.sh")
  GPUPOOL_FAKE_GPUS=${gpus[$((w - 1))]:-} \
  "$java" "${jvm[@]}" -Xmx512m "${gpu_opts[@]}" -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores 1 --memory 1500m --webui-port 0 --work-dir "$work/worker$w" "spark://127.0.0.1:$port" \
    >"$work/worker$w.log" 2>&1 &
  pids+=($!); worker_pids+=($!)
done
for _ in $(seq 120); do
  [ "$(grep -c 'Registering worker' "$work/master.log" 2>/dev/null || true)" -ge 2 ] && break
  sleep 1
done
[ "$(grep -c 'Registering worker' "$work/master.log")" -ge 2 ] || { echo "workers did not register; see $work/*.log" >&2; exit 3; }
echo "cluster: master spark://127.0.0.1:$port, 2 workers (logs in $work)"

in="$work/photos"; mkdir -p "$in"
# Hard links under distinct names (copies across file systems), in one process: 20,000 ln's take minutes.
python3 - "$photos" "$in" "$n" <<'PY'
import glob, os, shutil, sys
src, dst, n = sorted(glob.glob(sys.argv[1] + "/*.jpg")), sys.argv[2], int(sys.argv[3])
for i in range(n):
    f = src[i % len(src)]
    t = os.path.join(dst, "%03d-%s" % (i, os.path.basename(f)))
    try:
        os.link(f, t)
    except FileExistsError:
        pass
    except OSError:
        shutil.copyfile(f, t)
PY

read -r -a submit_opts <<<"${SUBMIT_OPTS:-}"
# submit NAME [spark-submit options]: runs the job over $in into $work/NAME; prints the job's exit status
# and the counts; checks every output, one ok report row per input, and work done by both workers' executors.
submit() {
  local name=$1; shift
  local out="$work/$name" rc t0 made rows okrows execs
  echo "$name: submitting over $n photos ..."
  t0=$(date +%s)
  local killer=""
  if [ -n "${KILL_WORKER_AT:-}" ]; then
    ( set +e
      w2=${worker_pids[1]}
      # Wait for KILL_WORKER_AT outputs while worker 2 runs an executor, then kill both.
      while :; do
        execs2=$(pgrep -P "$w2" | tr '\n' ' ')
        done_before=$(find "$out" -name '*.jpg' 2>/dev/null | wc -l)
        [ -n "$execs2" ] && [ "$done_before" -ge "$KILL_WORKER_AT" ] && break
        sleep 0.5
      done
      kill -9 "$w2" $execs2 2>/dev/null
      echo "$name: killed worker 2 (pid $w2) and its executor (pids $execs2) at $done_before of $n outputs written" \
        | tee "$work/$name.killed" ) &
    killer=$!
  fi
  set +e
  "$java" "${jvm[@]}" "${quiet[@]}" -cp "$home/jars/*" org.apache.spark.deploy.SparkSubmit \
    --master "spark://127.0.0.1:$port" --deploy-mode client \
    --conf spark.executor.cores=1 --conf spark.executor.memory=1g \
    --conf spark.driver.host=127.0.0.1 --conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=2 \
    "${submit_opts[@]}" "$@" \
    --class dev.gpupool.spark.ThumbnailJob "$jar" \
    "$in" -o "$out" "${extra[@]}" 2>&1 | tee "$work/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  [ -z "$killer" ] || { kill "$killer" 2>/dev/null || true; wait "$killer" 2>/dev/null || true; }
  echo "$name: job exit status $rc after $(( $(date +%s) - t0 )) s"
  made=$(find "$out" -path "$out/gpupool-report" -prune -o -type f -name '*.jpg' -print 2>/dev/null | wc -l)
  rows=$(cat "$out"/gpupool-report/part-*.json 2>/dev/null | wc -l)
  okrows=$(cat "$out"/gpupool-report/part-*.json 2>/dev/null | grep -c '"status":"ok"' || true)
  execs=$(cat "$out"/gpupool-report/part-*.json 2>/dev/null | grep -o '"executor":"[^"]*"' | sort -u | tr '\n' ' ')
  local skiprows temps
  skiprows=$(cat "$out"/gpupool-report/part-*.json 2>/dev/null | grep -c '"status":"skipped"' || true)
  temps=$(find "$out" -path "$out/gpupool-report" -prune -o -type f ! -name '*.jpg' -print 2>/dev/null | wc -l)
  echo "$name: outputs: $made of $n; report rows: $rows ($okrows ok, $skiprows skipped); other files: $temps; executors: $execs"
  local done_rows=$okrows
  [ -z "${KILL_WORKER_AT:-}" ] || done_rows=$((okrows + skiprows))
  local want_execs=2 killed_mid=1
  if [ -n "${KILL_WORKER_AT:-}" ]; then
    # Worker 2 may not have finished a task before it died; its lost tasks ran again on worker 1.
    want_execs=1
    local before; before=$(grep -o '[0-9]* of [0-9]* outputs written' "$work/$name.killed" 2>/dev/null | cut -d' ' -f1 || true)
    { [ -n "$before" ] && [ "$before" -gt 0 ] && [ "$before" -lt "$n" ]; } \
      || { echo "$name: the kill did not land mid-job (${before:-no} outputs when it came); lower KILL_WORKER_AT" >&2; killed_mid=0; }
  fi
  [ "$rc" = 0 ] && [ "$made" = "$n" ] && [ "$rows" = "$n" ] && [ "$done_rows" = "$n" ] && [ "$temps" = 0 ] \
    && [ "$killed_mid" = 1 ] && [ "$(wc -w <<<"$execs")" -ge "$want_execs" ] || { echo "$name: FAILED (logs in $work)" >&2; return 1; }
  python3 - "$out" "$work/$name.log" "$n" <<'PY' || { echo "$name: FAILED (logs in $work)" >&2; return 1; }
import glob, json, os, re, sys
out, log, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [json.loads(l) for f in glob.glob(out + "/gpupool-report/part-*.json") for l in open(f)]
bad = []
inputs = [r["input"] for r in rows]
if len(set(inputs)) != len(inputs): bad.append("%d inputs have more than one report row" % (len(inputs) - len(set(inputs))))
for r in rows:
    p = r.get("output")
    if not p: bad.append("%s: no output in its row" % r["input"]); continue
    p = p[len("file:"):] if p.startswith("file:") else p
    with open(p, "rb") as f:
        b = f.read()
    if not (b[:2] == b"\xff\xd8" and b.rstrip(b"\0")[-2:] == b"\xff\xd9"): bad.append("%s: not a whole JPEG" % p)
summary = [l for l in open(log) if re.match(r"^\d+ ok, \d+ failed, \d+ skipped in ", l)]
ok = sum(r["status"] == "ok" for r in rows); sk = sum(r["status"] == "skipped" for r in rows); fl = sum(r["status"] == "failed" for r in rows)
if not summary or not summary[-1].startswith("%d ok, %d failed, %d skipped in " % (ok, fl, sk)):
    bad.append("summary line %r does not match the report (%d ok, %d failed, %d skipped)" % (summary[-1] if summary else None, ok, fl, sk))
for b in bad[:20]: print("check: " + b, file=sys.stderr)
print("check: %d rows, one per input, every output a whole JPEG; summary: %s" % (len(rows), summary[-1].strip() if summary else None))
sys.exit(1 if bad else 0)
PY
}

if [ ${#gpus[@]} = 0 ]; then
  submit thumbs
else
  submit thumbs-gpu --conf spark.executor.resource.gpu.amount=1 --conf spark.task.resource.gpu.amount=1
  # The GPUs nvidia-smi lists here: an address among them must have run on cuda, any other on cpu-threads.
  here=$( (nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null || true) | tr -d ' ' | tr '\n' ' ')
  python3 - "$work/thumbs-gpu/gpupool-report" "${gpus[*]}" "$here" <<'PY' || { echo "thumbs-gpu: FAILED (logs in $work)" >&2; exit 1; }
import glob, json, sys
rows = [json.loads(l) for f in sorted(glob.glob(sys.argv[1] + "/part-*.json")) for l in open(f)]
want, here = set(sys.argv[2].split()), set(sys.argv[3].split())
by_exec, bad = {}, []
for r in rows:
    by_exec.setdefault(r.get("executor"), set()).add(r.get("gpu"))
    g, fb = r.get("gpu"), r.get("fallback")
    if g not in want:
        bad.append("%s: gpu %r is none of the workers' addresses %s" % (r["input"], g, sorted(want)))
    elif g in here and (r.get("backend") != "cuda" or fb is not None):
        bad.append("%s: GPU %s is here but the row says backend %s, fallback %r" % (r["input"], g, r.get("backend"), fb))
    elif g not in here and (r.get("backend") != "cpu-threads" or not fb or ("GPU %s assigned by Spark" % g) not in fb):
        bad.append("%s: GPU %s is not here; expected cpu-threads and the reason, got backend %s, fallback %r" % (r["input"], g, r.get("backend"), fb))
for e, gs in sorted(by_exec.items(), key=str):
    if len(gs) != 1:
        bad.append("executor %s: rows name %d addresses %s, not the one its worker gave it" % (e, len(gs), sorted(map(str, gs))))
seen = set(g for gs in by_exec.values() for g in gs)
if seen != want:
    bad.append("addresses in the report %s, workers' %s" % (sorted(map(str, seen)), sorted(want)))
for b in bad[:20]:
    print("thumbs-gpu: " + b, file=sys.stderr)
print("thumbs-gpu: executor -> GPU address: %s" % ", ".join("%s -> %s" % (e, "/".join(map(str, sorted(gs, key=str)))) for e, gs in sorted(by_exec.items(), key=str)))
fbs = sorted(set(r["fallback"] for r in rows if r.get("fallback")))
for fb in fbs:
    print("thumbs-gpu: fallback: " + fb)
sys.exit(1 if bad else 0)
PY
fi
echo "OK"
[ -n "${WORK:-}" ] || rm -rf "$work"
