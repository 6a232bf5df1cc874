#!/usr/bin/env bash
# Runs gpupool's Spark job on a real standalone cluster on loopback: one master and two workers (one core
# each), started from the Spark jars Maven resolved (spark/target/spark-classpath.txt; nothing downloaded
# but Maven Central's artifacts), submits dev.gpupool.spark.ThumbnailJob over N photos (default 200:
# copies under distinct names of the JPEGs in PHOTOS), then checks that every output and report row
# arrived and that both workers' executors did work. Stops everything it started on exit.
#   spark/scripts/standalone-cluster.sh [PHOTOS_DIR [N]] [-- extra thumbnails options]
# Environment: WORK (scratch dir, default a new temp dir, kept on failure), JAVA_HOME (JDK 25+).
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
cp "$root/spark/conf/log4j2.properties" "$home/conf/"
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_CONF_DIR="$home/conf"
jvm=(@"$root/spark/jvm.options")   # daemons log at Spark's default INFO (registration is checked in it)
quiet=(-Dlog4j2.configurationFile="$home/conf/log4j2.properties")

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
"$java" "${jvm[@]}" -Xmx512m -cp "$home/jars/*" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port 0 >"$work/master.log" 2>&1 &
pids+=($!)
for w in 1 2; do
  "$java" "${jvm[@]}" -Xmx512m -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores 1 --memory 1500m --webui-port 0 --work-dir "$work/worker$w" "spark://127.0.0.1:$port" \
    >"$work/worker$w.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 120); do
  [ "$(grep -c 'Registering worker' "$work/master.log" 2>/dev/null || true)" -ge 2 ] && break
  sleep 1
done
[ "$(grep -c 'Registering worker' "$work/master.log")" -ge 2 ] || { echo "workers did not register; see $work/*.log" >&2; exit 3; }
echo "cluster: master spark://127.0.0.1:$port, 2 workers (logs in $work)"

in="$work/photos"; out="$work/thumbs"; mkdir -p "$in"
mapfile -t src < <(ls "$photos"/*.jpg | sort)
for i in $(seq 0 $((n - 1))); do
  f=${src[$((i % ${#src[@]}))]}
  ln -f "$f" "$in/$(printf '%03d' "$i")-$(basename "$f")" 2>/dev/null || cp "$f" "$in/$(printf '%03d' "$i")-$(basename "$f")"
done

echo "submitting over $n photos ..."
t0=$(date +%s)
set +e
"$java" "${jvm[@]}" "${quiet[@]}" -cp "$home/jars/*" org.apache.spark.deploy.SparkSubmit \
  --master "spark://127.0.0.1:$port" --deploy-mode client \
  --conf spark.executor.cores=1 --conf spark.executor.memory=1g \
  --conf spark.driver.host=127.0.0.1 --conf spark.ui.enabled=false \
  --class dev.gpupool.spark.ThumbnailJob "$jar" \
  "$in" -o "$out" "${extra[@]}" 2>&1 | tee "$work/submit.log"
rc=${PIPESTATUS[0]}
set -e
echo "job exit status $rc after $(( $(date +%s) - t0 )) s"

made=$(find "$out" -path "$out/gpupool-report" -prune -o -type f -name '*.jpg' -print | wc -l)
rows=$(cat "$out"/gpupool-report/part-*.json | wc -l)
okrows=$(cat "$out"/gpupool-report/part-*.json | grep -c '"status":"ok"' || true)
execs=$(cat "$out"/gpupool-report/part-*.json | grep -o '"executor":"[^"]*"' | sort -u | tr '\n' ' ')
echo "outputs: $made of $n; report rows: $rows ($okrows ok); executors: $execs"
[ "$rc" = 0 ] && [ "$made" = "$n" ] && [ "$rows" = "$n" ] && [ "$okrows" = "$n" ] && [ "$(wc -w <<<"$execs")" -ge 2 ] \
  || { echo "FAILED (logs in $work)" >&2; exit 1; }
echo "OK"
[ -n "${WORK:-}" ] || rm -rf "$work"
