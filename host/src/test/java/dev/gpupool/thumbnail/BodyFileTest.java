package dev.gpupool.thumbnail;

import com.sun.net.httpserver.HttpServer;
import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.backend.ThumbnailEngine;
import dev.gpupool.job.ThumbnailRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16: for an engine whose workers read files ({@code cpu}), a fetched body goes from the socket
 * straight into the file the engine gave ({@link ThumbnailEngine#bodyFile}), not into this heap first
 * and then into a file; a body whose fetch fails leaves no file behind. The engine here records what it
 * is given, and fails every image so that nothing else runs.
 */
class BodyFileTest {
    @TempDir
    Path tmp;

    @Test
    void aFetchedBodyGoesStraightIntoTheEnginesFileAndAFailedOneLeavesNone() throws Exception {
        byte[] body = new byte[300_000]; // more than one copy buffer
        for (int i = 0; i < body.length; i++) body[i] = (byte) (i * 31 + i / 7);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", ex -> {
            try (ex) {
                if (ex.getRequestURI().getPath().startsWith("/missing")) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                // chunked for /chunked (no length: the file grows as the body comes), a length otherwise
                ex.sendResponseHeaders(200, ex.getRequestURI().getPath().startsWith("/chunked") ? 0 : body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
        Map<String, byte[]> seen = new ConcurrentHashMap<>();
        AtomicInteger files = new AtomicInteger();
        List<String> discarded = new java.util.concurrent.CopyOnWriteArrayList<>();
        ThumbnailEngine recording = new ThumbnailEngine() {
            @Override
            public Path bodyFile() {
                return tmp.resolve("body-" + files.incrementAndGet());
            }

            @Override
            public CompletableFuture<Done> submit(ThumbnailRequest r) {
                assertNull(r.bytes(), "a body with a file must not come in memory too");
                try {
                    seen.put(r.input(), Files.readAllBytes(r.file()));
                    Files.delete(r.file()); // the engine's to delete
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return CompletableFuture.failedFuture(new java.io.IOException("recorded"));
            }

            @Override
            public void discard(Path bodyFile) {
                discarded.add(bodyFile.getFileName().toString());
                ThumbnailEngine.super.discard(bodyFile);
            }

            @Override
            public void close() {
            }
        };
        try (Pool pool = Pool.builder().backend(Backend.CPU_THREADS).workers(1).open()) {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            List<String> urls = List.of(base + "/a.jpg", base + "/chunked/b.jpg", base + "/missing/c.jpg");
            Path out = tmp.resolve("out");
            List<Input> inputs = new InputScanner(out, System.in).scan(urls);
            BatchReport r = new BatchRunner(recording, Backend.CPU, "test", Thumbnailer.on(pool).size(64, 64).spec(), false, 2, 4,
                    it -> { }).run(inputs, out);
            assertEquals(3, r.failed(), r.items().toString());
            assertEquals("recorded", r.items().get(0).error());
            assertEquals("recorded", r.items().get(1).error());
            assertTrue(r.items().get(2).error().contains("404"), r.items().get(2).error());
            assertArrayEquals(body, seen.get(urls.get(0)));
            assertArrayEquals(body, seen.get(urls.get(1)));
            assertFalse(seen.containsKey(urls.get(2)));
            assertEquals(3, files.get(), "one file asked per URL");
            assertEquals(1, discarded.size(), "the failed fetch's file is handed back: " + discarded);
            try (var left = Files.list(tmp)) {
                assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("body-")).toList(),
                        "the failed fetch's file is deleted");
            }
        } finally {
            server.stop(0);
        }
    }
}
