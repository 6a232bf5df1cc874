package dev.gpupool.bench.http;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One client, one batch, one fresh JVM (issue 16 item 2): fetches every URL of a list through the
 * client named, reading each body whole, and prints one line with the wall time and the CPU time
 * (user + system, all the JVM's threads: the client's own selectors and workers count) of the batch
 * and of the JVM so far, start-up included. Not JMH: what gpupool pays is a whole batch in a
 * short-lived process, class loading and a cold JIT included, so that is what is measured; and each
 * client gets its own JVM so that none inherits another's warm code or threads.
 * {@code bench/http-clients.sh} runs it for every client, interleaved, and prints the medians.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.gpupool.bench.http.HttpClients CLIENT URLS EXPECTED_BYTES [CONCURRENCY]}
 * where URLS is a file with one URL a line and EXPECTED_BYTES the sum of the bodies' sizes: a batch
 * that reads any other number of bytes fails (exit 1), so that no client is fast by reading less.
 * Prints {@code RESULT client wall_s cpu_s close_s jvm_cpu_s bytes exchanges retries versions}: the batch's wall and
 * CPU seconds, the seconds closing the client took, the JVM's CPU seconds from its start to after the close.
 */
public final class HttpClients {
    /** Every client measured, by the name the script and the table use. */
    static final List<String> NAMES = List.of("urlconnection-virtual", "urlconnection-platform", "jdk-http1",
            "jdk-http1-buf256k", "jdk-http2", "apache-classic", "apache-async", "jetty", "reactor-netty");
    /** The JVM flag the {@code jdk-http1-buf256k} client is about (the JDK client reads it at class load). */
    static final String BUFSIZE = "jdk.httpclient.bufsize";

    private HttpClients() {
    }

    /** Opens the client named, sized for {@code concurrency} exchanges in flight. */
    static Client open(String name, int concurrency) throws Exception {
        return switch (name) {
            case "urlconnection-virtual" -> new UrlConnectionClient(true);
            case "urlconnection-platform" -> new UrlConnectionClient(false);
            case "jdk-http1" -> new JdkClient(HttpClient.Version.HTTP_1_1);
            case "jdk-http1-buf256k" -> {
                if (!"262144".equals(System.getProperty(BUFSIZE)))
                    throw new IllegalArgumentException(name + " needs the JVM flag -D" + BUFSIZE + "=262144");
                yield new JdkClient(HttpClient.Version.HTTP_1_1);
            }
            case "jdk-http2" -> new JdkClient(HttpClient.Version.HTTP_2);
            case "apache-classic" -> new ApacheClassicClient(concurrency);
            case "apache-async" -> new ApacheAsyncClient(concurrency);
            case "jetty" -> new JettyClient(concurrency);
            case "reactor-netty" -> new ReactorNettyClient(concurrency);
            default -> throw new IllegalArgumentException("unknown client '" + name + "'; one of " + String.join(", ", NAMES));
        };
    }

    /** The process's CPU time so far (user + system, every thread), in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("usage: HttpClients CLIENT URLS_FILE EXPECTED_BYTES [CONCURRENCY]   (CLIENT: " + String.join(", ", NAMES) + ")");
            return;
        }
        if (args.length == 1 && args[0].equals("--list")) {
            NAMES.forEach(System.out::println);
            return;
        }
        try {
            if (args.length < 3 || args.length > 4)
                throw new IllegalArgumentException("usage: HttpClients CLIENT URLS_FILE EXPECTED_BYTES [CONCURRENCY]");
            String name = args[0];
            List<URI> uris = readUris(Path.of(args[1]));
            long expected = parse(args[2], "EXPECTED_BYTES");
            int concurrency = args.length > 3 ? (int) parse(args[3], "CONCURRENCY") : 16;
            if (!NAMES.contains(name))
                throw new IllegalArgumentException("unknown client '" + name + "'; one of " + String.join(", ", NAMES));
            System.out.println(measure(name, uris, expected, concurrency));
        } catch (IllegalArgumentException e) {
            System.err.println("http-clients: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("FAILED " + (args.length > 0 ? args[0] : "") + ": " + e);
            System.exit(1);
        }
    }

    /**
     * Runs the batch and returns the RESULT line; throws when the bytes read are not {@code expected}. The batch's
     * wall and CPU time run from opening the client (its threads and pools are part of its cost) to the last body
     * in; closing it is timed apart (an asynchronous client's graceful shutdown can take longer than the batch).
     */
    static String measure(String name, List<URI> uris, long expected, int concurrency) throws Exception {
        long cpu0 = cpuNanos(), t0 = System.nanoTime();
        Client client = open(name, concurrency);
        Batch.Result r;
        long t1, cpu1;
        try {
            r = Batch.run(client, uris, concurrency);
            t1 = System.nanoTime();
            cpu1 = cpuNanos();
        } finally {
            client.close();
        }
        long t2 = System.nanoTime(), cpu2 = cpuNanos();
        if (r.bytes() != expected)
            throw new IllegalStateException("read " + r.bytes() + " bytes, expected " + expected + " (the files' sizes)");
        return String.format(Locale.ROOT, "RESULT %s %.3f %.3f %.3f %.3f %d %d %d %s", name, (t1 - t0) / 1e9, (cpu1 - cpu0) / 1e9,
                (t2 - t1) / 1e9, cpu2 / 1e9, r.bytes(), r.exchanges(), r.retries(),
                r.versions().isEmpty() ? "-" : String.join(",", r.versions()));
    }

    private static List<URI> readUris(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such URL list: " + file);
        }
        List<URI> uris = lines.stream().map(String::strip).filter(s -> !s.isEmpty()).map(s -> {
            try {
                URI u = new URI(s);
                if (!"http".equals(u.getScheme())) throw new IllegalArgumentException("not an http:// URL in " + file + ": " + s);
                return u;
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not a URL in " + file + ": " + s);
            }
        }).toList();
        if (uris.isEmpty()) throw new IllegalArgumentException("no URL in " + file);
        return uris;
    }

    private static long parse(String s, String what) {
        try {
            long v = Long.parseLong(s);
            if (v < 1) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a positive whole number, not '" + s + "'");
        }
    }
}
