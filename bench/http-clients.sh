#!/usr/bin/env bash
# Which HTTP client (issue 16 item 2): N photos (default 100, copies of the corpus) served on loopback by a
# separate process, fetched whole into byte[]s by each client in a fresh JVM (dev.gpupool.bench.http.HttpClients)
# and by curl (the operating system's reference), with the same concurrency and the same retry rule (a 503 is
# tried once more after 200 ms). The server restarts before every run, so every run meets the same 503s.
# Measured: the CLIENT process only (the server's CPU is shown apart, never added). Rounds interleave every
# client, latency and concurrency, the client order rotated each round; the table holds medians.
# Usage: bench/http-clients.sh [PHOTOS_DIR] [N]
#   ROUNDS (5), LATENCIES ms ("100 0"), CONCURRENCY ("16"; e.g. "8 16 32"), CLIENTS (all, and curl),
#   SERVER python (bench/peers/slow_server.py: HTTP/1.0, a connection a request, the issue's workload) or
#   jdk (dev.gpupool.bench.http.LoopbackServer: HTTP/1.1 keep-alive, files in memory; not cheaper in CPU than Python's).
# Needs bench/target/benchmarks.jar (mvn -q -B -pl bench -am package -DskipTests), /usr/bin/time and curl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
photos=${1:-$root/bench/photos}; n=${2:-100}; rounds=${ROUNDS:-5}
latencies=(${LATENCIES:-100 0}); concs=(${CONCURRENCY:-16}); server=${SERVER:-python}
jar=$root/bench/target/benchmarks.jar
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jvm=(-XX:CompileThresholdScaling=10 --enable-native-access=ALL-UNNAMED)   # as gpupool's launcher (and its jar manifest)
[ -f "$jar" ] || { echo "http-clients: no $jar; build it: mvn -q -B -pl bench -am package -DskipTests" >&2; exit 2; }
[ -d "$photos" ] || { echo "http-clients: no photo directory $photos (bench/photos.sh DIR makes one)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "http-clients: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
case $server in python|jdk) ;; *) echo "http-clients: SERVER is python or jdk, not '$server'" >&2; exit 2 ;; esac
mapfile -t clients < <(if [ -n "${CLIENTS:-}" ]; then tr ' ' '\n' <<< "$CLIENTS"; else "$java" -cp "$jar" dev.gpupool.bench.http.HttpClients --list; echo curl; fi)

work=$(mktemp -d); srv=
trap 'if [ -n "$srv" ]; then kill "$srv" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
mkdir -p "$work/files"
mapfile -t src < <(ls "$photos"/*.jpg)
[ ${#src[@]} -gt 0 ] || { echo "http-clients: no .jpg in $photos" >&2; exit 2; }
for i in $(seq 0 $((n - 1))); do cp "${src[$((i % ${#src[@]}))]}" "$work/files/p$i.jpg"; done
bytes=$(cat "$work/files"/* | wc -c)
# pick_port: a port nothing listens on (other benchmarks on this machine pick random ports too), and the URLs on it.
pick_port() {
  port=$((20000 + RANDOM % 20000))
  while (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((20000 + RANDOM % 20000)); done
  for i in $(seq 0 $((n - 1))); do echo "http://127.0.0.1:$port/p$i.jpg"; done > "$work/urls.txt"
}
pick_port
# start_server LATENCY: a fresh server (so the 503s happen again), back when its port answers, and it is ours.
start_server() {
  (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && pick_port
  if [ "$server" = python ]; then python3 "$root/bench/peers/slow_server.py" "$work/files" "$port" "$1" 600 & srv=$!
  else "$java" -cp "$jar" dev.gpupool.bench.http.LoopbackServer "$work/files" "$port" "$1" 600 & srv=$!; fi
  for _ in $(seq 100); do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then kill -0 "$srv" 2>/dev/null && return; break; fi
    sleep 0.05
  done
  echo "http-clients: the $server server did not start on port $port" >&2; exit 1
}
# stop_server: puts the server's CPU seconds (user + system) in $server_cpu, then ends it.
stop_server() {
  local tck; tck=$(getconf CLK_TCK)
  server_cpu=$(awk -v t="$tck" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$srv/stat")
  kill "$srv"; wait "$srv" 2>/dev/null || true; srv=
}
# curl_batch CONC URLS: curl --parallel over URLS; prints "code size url" a transfer. --parallel-immediate: without it
# curl holds new transfers back while it waits to learn whether the first connection can multiplex them (HTTP/2),
# which took 3.9 s instead of 1.2 s for 36 photos from the HTTP/1.0 server.
curl_batch() {
  sed 's/.*/url = "&"\noutput = "\/dev\/null"/' "$2" > "$work/curl.cfg"
  /usr/bin/time -f '%e %U %S' -a -o "$work/curl.time" curl --parallel --parallel-immediate --parallel-max "$1" -s --no-progress-meter \
    -K "$work/curl.cfg" -w '%{http_code} %{size_download} %{url_effective}\n' 2>> "$work/curl.err"
}
# run_curl CONC: the same batch and retry rule as HttpClients; prints its RESULT line.
run_curl() {
  rm -f "$work/curl.time" "$work/curl.err"; local t0 t1; t0=$(date +%s.%N)
  curl_batch "$1" "$work/urls.txt" > "$work/curl.out"
  awk '$1 == 503 { print $3 }' "$work/curl.out" > "$work/retry.txt"
  if [ -s "$work/retry.txt" ]; then sleep 0.2; curl_batch "$1" "$work/retry.txt" >> "$work/curl.out"; fi
  t1=$(date +%s.%N)
  awk -v want="$bytes" -v n="$n" -v wall="$(echo "$t1 - $t0" | bc -l)" -v tf="$work/curl.time" '
    $1 == 200 { got += $2; ok++ } $1 == 503 { retries++ } $1 != 200 && $1 != 503 && nbad++ < 3 { bad = bad "; " $3 ": HTTP " $1 }
    END { while ((getline l < tf) > 0) { split(l, a, " "); cpu += a[2] + a[3] }
          if (bad != "" || ok != n || got != want) { printf "FAILED curl: %d of %d ok, %d of %d bytes%s\n", ok, n, got, want, bad; exit 1 }
          printf "RESULT curl %.3f %.3f 0 %.3f %d %d %d -\n", wall, cpu, cpu, got, ok + retries, retries }' "$work/curl.out"
}
# run CLIENT LATENCY CONC: one measured run; appends "lat conc client wall cpu close pwall pcpu srvcpu versions" to
# the runs (and shows it on standard error, so that a failed round leaves the runs before it).
run() {
  local c=$1 lat=$2 conc=$3 line
  start_server "$lat"
  if [ "$c" = curl ]; then line=$(run_curl "$conc") || { echo "$line"; sort "$work/curl.err" | uniq -c | head -3; exit 1; } >&2; pt=$(awk '{ print $3, $4 }' <<< "$line")
  else
    local flags=("${jvm[@]}"); [ "$c" = jdk-http1-buf256k ] && flags+=(-Djdk.httpclient.bufsize=262144)
    /usr/bin/time -f '%e %U %S' -o "$work/time" "$java" "${flags[@]}" -cp "$jar" dev.gpupool.bench.http.HttpClients \
      "$c" "$work/urls.txt" "$bytes" "$conc" > "$work/out" 2> "$work/err" || { echo "$c (latency $lat, $conc in flight):"; tail -3 "$work/err"; exit 1; } >&2
    line=$(grep '^RESULT' "$work/out"); pt=$(awk '{ printf "%s %.3f", $1, $2 + $3 }' "$work/time")
  fi
  stop_server
  # RESULT name wall cpu close jvmcpu bytes exchanges retries versions
  awk -v lat="$lat" -v conc="$conc" -v pt="$pt" -v s="$server_cpu" '{ print lat, conc, $2, $3, $4, $5, pt, s, $10 }' <<< "$line" | tee -a "$work/runs" >&2
}

echo "$(date -u '+%F %H:%M') UTC; $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg); $("$java" -version 2>&1 | head -1)"
echo "$n photos, $bytes bytes; server: $server; rounds: $rounds; latencies: ${latencies[*]} ms; in flight: ${concs[*]}"
for r in $(seq 1 "$rounds"); do
  for lat in "${latencies[@]}"; do for conc in "${concs[@]}"; do
    k=${#clients[@]}
    for j in $(seq 0 $((k - 1))); do run "${clients[$(((j + r) % k))]}" "$lat" "$conc"; done
  done; done
  echo "round $r of $rounds done; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done

mb=$(echo "$bytes / 1000000" | bc -l)
for lat in "${latencies[@]}"; do for conc in "${concs[@]}"; do
  echo
  echo "latency $lat ms, $conc in flight ($server server); medians of $rounds rounds; MB = 10^6 bytes"
  echo
  echo "| client | batch wall s | batch CPU s | CPU ms/MB | close s | process wall s | process CPU s | server CPU s | versions |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
  for c in "${clients[@]}"; do
    awk -v lat="$lat" -v conc="$conc" -v c="$c" -v mb="$mb" '
      function med(a, k,   i, j, t) { for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
                                      return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
      $1 == lat && $2 == conc && $3 == c { k++; w[k] = $4; u[k] = $5; cl[k] = $6; pw[k] = $7; pc[k] = $8; s[k] = $9; v = $10 }
      END { if (k) printf "| %s | %.2f | %.2f | %.1f | %.2f | %.2f | %.2f | %.2f | %s |\n", c, med(w, k), med(u, k), med(u, k) * 1000 / mb,
                                 med(cl, k), med(pw, k), med(pc, k), med(s, k), v }' "$work/runs"
  done
done; done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
