#!/usr/bin/env bash
# CI: gpupool's Spark job on a real standalone Spark cluster on loopback (spark/scripts/standalone-cluster.sh:
# a master and two one-core workers from Maven's Spark jars), over a few dozen copies of samples/*.jpg,
# with GPU scheduling on: each worker announces one fake GPU address (7 and 9), the job asks for one GPU an
# executor and a task, and the report must show each executor's rows naming its worker's address and, as
# this machine has no such device, running on cpu-threads with the reason. The cluster's class path also
# carries picocli, as some clusters' do: the job must find its own resources from the application jar
# (issue 20: spark-submit died with MissingResourceException for JobCommand's bundle).
# Needs spark/target/gpupool-spark.jar and spark-classpath.txt (built by ./gpupool test's mvn verify).
#   .ci/spark-cluster.sh [N]       N images (default 24); SPARK_CLUSTER_TIMEOUT seconds (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-24}
repo=${MAVEN_REPO:-$HOME/.m2/repository}
picocli=$(ls "$repo"/info/picocli/picocli/*/picocli-*.jar 2>/dev/null | grep -v -- '-sources' | sort -V | tail -1 || true)
[ -n "$picocli" ] || { echo "spark-cluster: no picocli jar under $repo (run the build first)" >&2; exit 3; }
work=$(mktemp -d /tmp/gpupool-ci-spark.XXXXXX)
t0=$(date +%s)
rc=0
WORK=$work GPU_ADDRESSES="7 9" SPARK_HOME_EXTRA_JARS=$picocli \
  timeout --kill-after=15 "${SPARK_CLUSTER_TIMEOUT:-300}" bash spark/scripts/standalone-cluster.sh samples "$n" || rc=$?
echo "spark-cluster: exit status $rc after $(( $(date +%s) - t0 )) s"
if [ "$rc" != 0 ]; then
  [ "$rc" = 124 ] && echo "spark-cluster: timed out after ${SPARK_CLUSTER_TIMEOUT:-300} s" >&2
  for f in "$work"/*.log "$work"/worker*/app-*/*/stderr; do
    [ -f "$f" ] || continue
    echo "----- ${f#"$work"/} (last 40 lines)" >&2; tail -40 "$f" >&2
  done
  exit 1
fi
rm -rf "$work"
