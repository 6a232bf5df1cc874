#!/usr/bin/env bash
# The issue's acceptance check for "workers start under any launcher": a tiny consumer project that
# depends on gpupool-host runs the default cpu backend under `mvn exec:java` (where java.class.path
# is Maven's launcher, not the application), and every sample must be thumbnailed by worker
# processes (backend "cpu", not the cpu-threads fallback), with no warning line; then the same
# program with gpupool's jars on the module path.
#   bench/consumer-check.sh            installs this checkout into ~/.m2 first (mvn install -DskipTests)
#   SKIP_INSTALL=1 bench/consumer-check.sh
# Needs JDK 25 (JAVA_HOME) and Maven. Exit status 0 when the check passes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}
export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}
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
mkdir -p "$work/.mvn"
# What the README asks of a library user: native access for gpupool's FFM calls (exec:java runs in
# Maven's JVM); and Maven 3.8's own guava needs sun.misc.Unsafe on Java 25 (its warning is Maven's, not ours).
echo "--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow" > "$work/.mvn/jvm.config"
cat > "$work/src/main/java/consumer/Main.java" <<'JAVA'
package consumer;

import dev.gpupool.Pool;
import dev.gpupool.thumbnail.BatchReport;
import dev.gpupool.thumbnail.ThumbnailSet;
import dev.gpupool.thumbnail.Thumbnailer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The README's library examples, on the default backend. */
public class Main {
    public static void main(String[] args) throws Exception {
        System.out.println("java.class.path=" + System.getProperty("java.class.path"));
        try (Pool pool = Pool.open()) {                       // auto: CUDA, else OpenCL GPU, else CPU pool
            BatchReport r = Thumbnailer.on(pool).size(256, 256).quality(85).run(List.of(Path.of(args[0])), Path.of(args[1]));
            System.out.println("report: backend=" + r.backend() + " device=" + r.device() + " ok=" + r.ok() + " failed=" + r.failed());
            System.out.println("items=" + r.items().stream().map(BatchReport.Item::backend).distinct().toList());
            BufferedImage small = Thumbnailer.on(pool).size(128, 128).resize(new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB));
            ThumbnailSet set = Thumbnailer.on(pool).sizes("64,32").thumbnail(Files.readAllBytes(Path.of(args[0], "grey.jpg")));
            System.out.println("in memory: " + small.getWidth() + "x" + small.getHeight() + ", bytes api: " + set.thumbnails().size() + " sizes");
        }
    }
}
JAVA
n=$(find "$root/samples" -maxdepth 1 -type f | wc -l)
start=$(date +%s)
out=$(cd "$work" && mvn -B -q compile exec:java -Dexec.args="$root/samples $work/thumbs" 2>&1) || { echo "$out"; echo "consumer-check: mvn exec:java failed" >&2; exit 1; }
echo "$out"
echo "consumer-check: exec:java took $(( $(date +%s) - start )) s" >&2
grep -q "report: backend=cpu device=.*worker process.* ok=$n failed=0" <<<"$out" \
  && grep -q '^items=\[cpu\]$' <<<"$out" && grep -q '^in memory: 128x96, bytes api: 2 sizes$' <<<"$out" \
  || { echo "consumer-check: FAILED: expected all $n samples done by worker processes, and the in-memory calls" >&2; exit 1; }
if grep -qi 'warning' <<<"$out"; then echo "consumer-check: FAILED: warning lines above" >&2; exit 1; fi
echo "consumer-check: ok under mvn exec:java ($n images by worker processes, no warning)" >&2

# The same program with gpupool on the module path (automatic modules dev.gpupool, dev.gpupool.cpu).
(cd "$work" && mvn -B -q dependency:build-classpath -Dmdep.outputFile=mp.txt >/dev/null)
rm -rf "$work/thumbs"
out=$("$JAVA_HOME/bin/java" --enable-native-access=dev.gpupool,dev.gpupool.cpu -p "$(cat "$work/mp.txt")" \
      --add-modules dev.gpupool,dev.gpupool.cpu -cp "$work/target/classes" consumer.Main "$root/samples" "$work/thumbs" 2>&1) \
  || { echo "$out"; echo "consumer-check: the module-path run failed" >&2; exit 1; }
echo "$out"
grep -q "report: backend=cpu device=.*worker process.* ok=$n failed=0" <<<"$out" && ! grep -qi 'warning' <<<"$out" \
  || { echo "consumer-check: FAILED on the module path" >&2; exit 1; }
echo "consumer-check: ok on the module path ($n images, no warning)" >&2
