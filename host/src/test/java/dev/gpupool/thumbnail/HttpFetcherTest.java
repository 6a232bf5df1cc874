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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Slow, hanging and oversized HTTP responses end in a reason within the timeout, never a hang. */
class HttpFetcherTest {
    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/ok", ex -> {
            byte[] body = "hello".getBytes();
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) { o.write(body); }
        });
        server.createContext("/hang", ex -> await()); // never answers
        server.createContext("/stall", ex -> {        // headers and a few bytes, then nothing
            ex.sendResponseHeaders(200, 100_000);
            OutputStream o = ex.getResponseBody();
            o.write(new byte[10]);
            o.flush();
            await();
        });
        server.createContext("/big", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream o = ex.getResponseBody()) { o.write(new byte[64 * 1024]); }
        });
        server.createContext("/gone", ex -> { ex.sendResponseHeaders(404, -1); ex.close(); });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void await() {
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private final HttpFetcher fetcher = new HttpFetcher(Duration.ofSeconds(2), Duration.ofMillis(700), 16 * 1024, 2);

    private String failure(String path) {
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> fetcher.fetch(URI.create(base + path)));
        double s = (System.nanoTime() - t0) / 1e9;
        assertTrue(s < 6, path + " took " + s + " s");
        return e.getMessage();
    }

    @Test
    void aServerThatNeverAnswersTimesOut() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            String why = failure("/hang");
            assertTrue(why.startsWith("timed out"), why);
        });
    }

    @Test
    void aServerThatStallsInTheBodyTimesOut() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            String why = failure("/stall");
            assertTrue(why.startsWith("timed out"), why);
        });
    }

    @Test
    void anOversizedBodyIsRefusedWithoutRetrying() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertEquals("larger than the limit of 16384 bytes", failure("/big")));
    }

    @Test
    void aGoodResponseAndA404() throws Exception {
        assertArrayEquals("hello".getBytes(), fetcher.fetch(URI.create(base + "/ok")));
        assertEquals("HTTP 404", failure("/gone"));
    }
}
