package dev.gpupool.thumbnail;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Fetched bodies count against the memory budget for bodies: before they are read, or as they grow. */
class HttpFetcherBudgetTest {
    private HttpServer server;
    private String base;
    private final AtomicInteger requests = new AtomicInteger();
    private final HttpFetcher fetcher = new HttpFetcher(Duration.ofSeconds(2), Duration.ofSeconds(10), 16L << 20, 3);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/known", ex -> { // 600 KiB with a Content-Length
            requests.incrementAndGet();
            byte[] body = new byte[600 << 10];
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) { o.write(body); }
        });
        server.createContext("/chunked", ex -> { // 3 MiB, no length
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, 0);
            try (OutputStream o = ex.getResponseBody()) {
                for (int i = 0; i < 48; i++) o.write(new byte[64 << 10]);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aBodyThatCanNeverFitFailsInOneLineWithoutRetries() {
        BodyBudget budget = new BodyBudget(512 << 10);
        BodyBudget.Lease lease = budget.lease();
        IOException e = assertThrows(IOException.class, () -> fetcher.fetch(URI.create(base + "/known"), lease));
        assertEquals("a body of 600 KiB is larger than the memory budget for bodies in flight (512 KiB; raise --memory-budget)",
                e.getMessage());
        assertEquals(1, requests.get(), "no retry can help");
        assertEquals(0, budget.inUse(), "nothing held after a failure");
    }

    @Test
    void aChunkedBodyIsCountedAsItGrows() {
        BodyBudget budget = new BodyBudget(2L << 20);
        IOException e = assertThrows(IOException.class, () -> fetcher.fetch(URI.create(base + "/chunked"), budget.lease()));
        assertEquals("a body of unknown length grew past the memory budget for bodies in flight (2 MiB; raise --memory-budget)",
                e.getMessage());
        assertEquals(1, requests.get());
        assertEquals(0, budget.inUse());
    }

    @Test
    void aSecondBodyWaitsUntilTheFirstImageIsDone() throws Exception {
        // A deadline of 700 ms a try, and a wait for memory twice as long: the wait is not the server's
        // slowness, so the second fetch is not timed out and retried but simply waits.
        HttpFetcher fetcher = new HttpFetcher(Duration.ofSeconds(2), Duration.ofMillis(700), 16L << 20, 3);
        BodyBudget budget = new BodyBudget(1L << 20); // room for one 600 KiB body
        BodyBudget.Lease first = budget.lease();
        assertEquals(600 << 10, fetcher.fetch(URI.create(base + "/known"), first).length);
        assertEquals(600 << 10, budget.inUse(), "held until the image is done");
        BodyBudget.Lease second = budget.lease();
        CompletableFuture<byte[]> next = CompletableFuture.supplyAsync(() -> {
            try {
                return fetcher.fetch(URI.create(base + "/known"), second);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(1500);
        assertFalse(next.isDone(), "600 + 600 KiB > 1 MiB: the second body waits");
        first.close();
        assertEquals(600 << 10, next.get(10, TimeUnit.SECONDS).length);
        assertEquals(2, requests.get(), "one request for each body: no try timed out while waiting");
        assertEquals(600 << 10, budget.inUse());
        second.close();
        assertEquals(0, budget.inUse());
    }
}
