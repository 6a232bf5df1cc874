#!/usr/bin/env bash
# The issue's acceptance check for "workers start under any launcher": a tiny consumer project that
# depends on gpupool-host runs the default cpu backend under `mvn exec:java` (where java.class.path
# is Maven's launcher, not the application), and every sample must be thumbnailed by worker
# processes (backend "cpu", not the cpu-threads fallback).
#   bench/consumer-check.sh            installs this checkout into ~/.m2 first (mvn install -DskipTests)
#   SKIP_INSTALL=1 bench/consumer-check.sh
# Needs JDK 25 (JAVA_HOME) and Maven. Exit status 0 when the check passes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [ "${SKIP_INSTALL:-}" != 1 ]; then
  mvn -B -q -f "$root/pom.xml" -pl fallback-cpu,host -am install -DskipTests >&2
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/main/java/consumer"
cat > "$work/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>consumer</groupId><artifactId>consumer</artifactId><version>1</version>
  <properties><maven.compiler.release>25</maven.compiler.release><project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
  <dependencies><dependency><groupId>dev.gpupool</groupId><artifactId>gpupool-host</artifactId><version>0.1.0</version></dependency></dependencies>
  <build><plugins>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
    <plugin><groupId>org.codehaus.mojo</groupId><artifactId>exec-maven-plugin</artifactId><version>3.5.0</version>
      <configuration><mainClass>consumer.Main</mainClass></configuration></plugin>
  </plugins></build>
</project>
POM
cat > "$work/src/main/java/consumer/Main.java" <<'JAVA'
package consumer;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.thumbnail.BatchReport;
import dev.gpupool.thumbnail.Thumbnailer;
import java.nio.file.Path;
import java.util.List;

public class Main {
    public static void main(String[] args) {
        System.out.println("java.class.path=" + System.getProperty("java.class.path"));
        try (Pool pool = Pool.builder().backend(Backend.CPU).workers(2).open()) {
            BatchReport r = Thumbnailer.on(pool).run(List.of(Path.of(args[0])), Path.of(args[1]));
            System.out.println("report: backend=" + r.backend() + " device=" + r.device() + " ok=" + r.ok() + " failed=" + r.failed());
            System.out.println("items=" + r.items().stream().map(BatchReport.Item::backend).distinct().toList());
        }
    }
}
JAVA
n=$(find "$root/samples" -maxdepth 1 -type f | wc -l)
start=$(date +%s)
out=$(cd "$work" && mvn -B -q compile exec:java -Dexec.args="$root/samples $work/thumbs" 2>&1) || { echo "$out"; echo "consumer-check: mvn exec:java failed" >&2; exit 1; }
echo "$out"
echo "consumer-check: $(( $(date +%s) - start )) s" >&2
grep -q "report: backend=cpu device=.*worker process.* ok=$n failed=0" <<<"$out" \
  && grep -q '^items=\[cpu\]$' <<<"$out" \
  || { echo "consumer-check: FAILED: expected all $n samples done by worker processes" >&2; exit 1; }
echo "consumer-check: ok ($n images by worker processes under mvn exec:java)" >&2
