package dev.gpupool.cli;

import dev.gpupool.benchmark.BenchRun;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Not a command: the training run the {@code gpupool} launcher makes once per build, under
 * {@code -XX:AOTCacheOutput}, so that the JDK's AOT cache holds the classes, linkage and profiles of
 * what users run most, on every path: {@code thumbnails} in-process ({@code cpu-threads}) and
 * through worker processes ({@code cpu}, which also leaves the workers' own cache behind), shrink
 * factors from 3/8 to 1/8 (progressive pruning included), JPEG, PNG and WebP out, URL inputs
 * (from a loopback server of its own: the HTTP client's ~120 classes were loaded from the runtime image
 * at every run with a URL, about 25 ms before the first request went out), and {@code devices}. One command line trained only its own path, and the others paid for it at
 * every start (the process pool's classes alone cost the {@code cpu} backend ~0.1 s of CPU).
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=FILE -cp gpupool.jar dev.gpupool.cli.AotTraining SAMPLES_DIR}.
 * Output is discarded. The exit status is 0 even when a run fails (a machine without libwebp, say):
 * the cache is still worth keeping, and the failing run's count goes to standard error.
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: AotTraining SAMPLES_DIR");
            System.exit(Main.USAGE);
        }
        int failures = train(args[0]);
        if (failures > 0) System.err.println("AotTraining: " + failures + " run(s) failed");
    }

    /** Runs the training command lines on {@code samples}; returns how many did not exit 0. */
    static int train(String samples) throws IOException {
        Path out = Files.createTempDirectory("gpupool-training");
        PrintStream stdout = System.out, stderr = System.err;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        int failures = 0;
        try (LoopbackImages http = new LoopbackImages(Path.of(samples))) {
            System.setOut(quiet);
            System.setErr(quiet);
            String[] urls = http.urls();
            String[][] runs = {
                    {"thumbnails", samples, "-o", out.resolve("threads").toString(), "--backend", "cpu-threads", "-s", "128,256"},
                    {"thumbnails", samples, "-o", out.resolve("processes").toString(), "--backend", "cpu", "-s", "256"},
                    {"thumbnails", samples, "-o", out.resolve("small").toString(), "--backend", "cpu-threads", "-s", "64", "-f", "png"},
                    {"thumbnails", samples, "-o", out.resolve("webp").toString(), "--backend", "cpu-threads", "-s", "200", "-f", "webp"},
                    concat(urls, "-o", out.resolve("http-threads").toString(), "--backend", "cpu-threads"),
                    concat(urls, "-o", out.resolve("http-processes").toString(), "--backend", "cpu"),
                    {"devices"},
            };
            for (String[] run : runs) {
                if (Main.run(run) != Main.OK) failures++;
            }
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            try {
                BenchRun.deleteTree(out);
            } catch (IOException e) {
                // a leftover temporary directory is harmless; the cache is what matters
            }
        }
        return failures;
    }

    private static String[] concat(String[] urls, String... rest) {
        String[] all = new String[1 + urls.length + rest.length];
        all[0] = "thumbnails";
        System.arraycopy(urls, 0, all, 1, urls.length);
        System.arraycopy(rest, 0, all, 1 + urls.length, rest.length);
        return all;
    }

    /**
     * The JPEG samples over HTTP/1.1 on loopback, one connection at a time, each answered whole with a
     * {@code Content-Length} and closed: the least server that exercises the fetcher's real path. A plain
     * socket, so that the training needs no module beyond {@code java.base}.
     */
    static final class LoopbackImages implements AutoCloseable {
        private final java.net.ServerSocket server;
        private final java.util.Map<String, byte[]> files = new java.util.TreeMap<>();

        LoopbackImages(Path samples) throws IOException {
            try (var list = Files.list(samples)) {
                for (Path p : list.filter(p -> p.getFileName().toString().endsWith(".jpg")).sorted().toList()) {
                    files.put("/" + p.getFileName(), Files.readAllBytes(p));
                }
            }
            server = new java.net.ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().name("gpupool-training-http").start(this::serve);
        }

        String[] urls() {
            return files.keySet().stream().map(k -> "http://127.0.0.1:" + server.getLocalPort() + k).toArray(String[]::new);
        }

        private void serve() {
            while (!server.isClosed()) {
                try (java.net.Socket s = server.accept()) {
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
                    String request = in.readLine();
                    for (String line = request; line != null && !line.isEmpty(); ) line = in.readLine();
                    String[] parts = request == null ? new String[0] : request.split(" ");
                    byte[] body = parts.length > 1 ? files.get(parts[1]) : null;
                    String head = body == null ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                            : "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: " + body.length + "\r\n";
                    OutputStream o = s.getOutputStream();
                    o.write((head + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    if (body != null) o.write(body);
                    o.flush();
                } catch (IOException e) {
                    // closed, or a client gone: the next connection, if any
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
