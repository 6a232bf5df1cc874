package dev.gpupool.bench.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * bench/peers/slow_server.py's rules (LATENCY ms before every answer, a 503 to the first request for
 * every file whose number is a multiple of ten, exit after MAX_SECONDS) in a JVM of its own, with the
 * files held in memory and connections kept alive (HTTP/1.1): to see what the clients cost when they
 * can reuse connections, which Python's one-connection-a-request HTTP/1.0 server never lets them. It is
 * not the cheaper server: measured on 2 cores it spent about 2.5 s of CPU serving 150 MB (its JVM's
 * start-up and JIT included), the Python server about 0.6 s. Run it in its own process, never in the
 * client's: only the client's CPU is measured.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.gpupool.bench.http.LoopbackServer DIR PORT LATENCY_MS MAX_SECONDS}
 */
public final class LoopbackServer {
    private final Map<String, byte[]> files;
    private final long latencyMs;
    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    private final HttpServer server;

    LoopbackServer(Path dir, int port, long latencyMs) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile).collect(java.util.stream.Collectors.toMap(
                    p -> p.getFileName().toString(), p -> {
                        try {
                            return Files.readAllBytes(p);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }));
        }
        this.latencyMs = latencyMs;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::answer);
        server.start();
    }

    /** The port it listens on (the one asked for, or the one the system chose for 0). */
    int port() {
        return server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange x) throws IOException {
        try (x) {
            if (latencyMs > 0) Thread.sleep(latencyMs);
            String path = x.getRequestURI().getPath();
            String name = path.substring(path.lastIndexOf('/') + 1);
            String digits = name.replaceAll("\\D", "");
            if (!digits.isEmpty() && Long.parseLong(digits) % 10 == 0 && failedOnce.add(name)) {
                x.sendResponseHeaders(503, -1);
                return;
            }
            byte[] body = files.get(name);
            if (body == null) {
                x.sendResponseHeaders(404, -1);
                return;
            }
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: LoopbackServer DIR PORT LATENCY_MS MAX_SECONDS");
            System.exit(2);
        }
        LoopbackServer s = new LoopbackServer(Path.of(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2]));
        Thread.sleep((long) (Double.parseDouble(args[3]) * 1000));
        s.stop();
        System.exit(0);
    }
}
