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
        server.createContext("/stall", ex -> {        // headers and a few bytes, then nothing (a length within the limit)
            ex.sendResponseHeaders(200, 10_000);
            OutputStream o = ex.getResponseBody();
            o.write(new byte[10]);
            o.flush();
            await();
        });
        server.createContext("/big-declared", ex -> { // a length over the limit: refused before the body is read
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
        server.createContext("/loop", ex -> redirect(ex, "/loop-b"));
        server.createContext("/loop-b", ex -> redirect(ex, "/loop"));
        server.createContext("/to-file", ex -> redirect(ex, "file:///etc/passwd"));
        server.createContext("/to-ok", ex -> redirect(ex, "/ok"));
        server.createContext("/busy", ex -> {
            if (busy.getAndIncrement() == 0) {
                // An HTTP date, 1 s ahead (RFC 9110 allows it as well as seconds).
                String when = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(1));
                ex.getResponseHeaders().add("Retry-After", when);
                ex.sendResponseHeaders(503, -1);
                ex.close();
            } else {
                byte[] body = "later".getBytes();
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) { o.write(body); }
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        // A second server: every hop goes to the other host:port, on and on.
        other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        other.createContext("/hop", ex -> redirect(ex, base + "/hop?" + hops.incrementAndGet()));
        server.createContext("/hop", ex -> redirect(ex, "http://localhost:" + other.getAddress().getPort() + "/hop?" + hops.incrementAndGet()));
        other.start();
    }

    private HttpServer other;
    private final java.util.concurrent.atomic.AtomicInteger busy = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger hops = new java.util.concurrent.atomic.AtomicInteger();

    private static void redirect(com.sun.net.httpserver.HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().add("Location", location);
        ex.sendResponseHeaders(302, -1);
        ex.close();
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
        if (other != null) other.stop(0);
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
        if (HttpFetcher.CLIENT.equals("urlconnection")) { // the JDK HttpClient transport finds out only as the bytes arrive
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                long t0 = System.nanoTime();
                assertEquals("larger than the limit of 16384 bytes", failure("/big-declared"));
                assertTrue((System.nanoTime() - t0) / 1e9 < 0.5, "a declared length over the limit is refused at once");
            });
        }
    }

    @Test
    void aGoodResponseAndA404() throws Exception {
        assertArrayEquals("hello".getBytes(), fetcher.fetch(URI.create(base + "/ok")));
        assertEquals("HTTP 404", failure("/gone"));
    }

    @Test
    void redirectsAreFollowedCheckedAndBounded() throws Exception {
        assertArrayEquals("hello".getBytes(), fetcher.fetch(URI.create(base + "/to-ok")));
        assertTrue(failure("/loop").startsWith("redirect loop: " + base + "/loop again after 2 redirects"), failure("/loop"));
        assertEquals("HTTP 302 redirect to a non-HTTP URL refused: file:///etc/passwd", failure("/to-file"));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertEquals("too many redirects (more than " + HttpFetcher.MAX_REDIRECTS + ")", failure("/hop"));
            assertEquals(HttpFetcher.MAX_REDIRECTS + 1, hops.get(), "not retried, and no hop past the limit");
        });
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() throws Exception {
        long t0 = System.nanoTime();
        assertArrayEquals("later".getBytes(), fetcher.fetch(URI.create(base + "/busy")));
        assertEquals(2, busy.get());
        assertTrue((System.nanoTime() - t0) / 1e9 < 5);
    }

    @Test
    void retryAfterValues() {
        long now = java.time.Instant.parse("2015-10-21T07:28:00Z").toEpochMilli();
        assertEquals(120_000 / 4, HttpFetcher.retryAfterMillis("30", now));
        assertEquals(30_000, HttpFetcher.retryAfterMillis("120", now), "capped at 30 s");
        assertEquals(30_000, HttpFetcher.retryAfterMillis("99999999999999999999999", now));
        assertEquals(10_000, HttpFetcher.retryAfterMillis("Wed, 21 Oct 2015 07:28:10 GMT", now));
        assertEquals(0, HttpFetcher.retryAfterMillis("Wed, 21 Oct 2015 07:27:00 GMT", now), "a past date: now");
        assertEquals(-1, HttpFetcher.retryAfterMillis("soon", now));
        assertEquals(-1, HttpFetcher.retryAfterMillis(null, now));
    }
}
