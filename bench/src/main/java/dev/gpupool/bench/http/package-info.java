/**
 * Issue 16 item 2: which HTTP client gpupool's fetcher should use, chosen by measurement.
 * {@link dev.gpupool.bench.http.HttpClients} fetches a batch of URLs with one client per fresh JVM and
 * prints its wall time and CPU time per megabyte; {@code bench/http-clients.sh} serves the photos on
 * loopback, runs every client (and curl, the operating system's reference) interleaved over several
 * rounds and prints the medians. One small class per client, each behind {@link dev.gpupool.bench.http.Client},
 * so that every client gets the same batch, the same concurrency and the same retry rule, and differs
 * only in how it does the exchange.
 */
package dev.gpupool.bench.http;
