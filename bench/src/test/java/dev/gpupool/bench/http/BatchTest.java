package dev.gpupool.bench.http;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** The batch driver: the same retry rule, the same bound on exchanges in flight, and loud failures, for both kinds of client. */
class BatchTest {
    static List<URI> uris(int n) {
        return IntStream.range(0, n).mapToObj(i -> URI.create("http://127.0.0.1:1/p" + i + ".jpg")).toList();
    }

    /** What a fake server answers: a body of (index + 1) bytes, a 503 the first time for every tenth, 404 for "missing". */
    static final class Fake {
        final Set<URI> failedOnce = ConcurrentHashMap.newKeySet();
        final Map<URI, AtomicInteger> tries = new ConcurrentHashMap<>();
        final AtomicInteger inFlight = new AtomicInteger(), maxInFlight = new AtomicInteger();

        Client.Reply answer(URI u) {
            tries.computeIfAbsent(u, k -> new AtomicInteger()).incrementAndGet();
            String name = u.getPath().substring(u.getPath().lastIndexOf('/') + 1);
            if (name.equals("missing")) return new Client.Reply(404, new byte[0], "HTTP/1.1");
            int i = Integer.parseInt(name.replaceAll("\\D", ""));
            if (i % 10 == 0 && failedOnce.add(u)) return new Client.Reply(503, new byte[0], "HTTP/1.1");
            return new Client.Reply(200, new byte[i + 1], "HTTP/1.1");
        }

        void enter() {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        }
    }

    static Client.Blocking blocking(Fake f) {
        return u -> {
            f.enter();
            try {
                Thread.sleep(5);
                return f.answer(u);
            } finally {
                f.inFlight.decrementAndGet();
            }
        };
    }

    static Client.Async async(Fake f) {
        var timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        return u -> {
            f.enter();
            CompletableFuture<Client.Reply> reply = new CompletableFuture<>();
            timer.schedule(() -> {
                f.inFlight.decrementAndGet();
                reply.complete(f.answer(u));
            }, 5, TimeUnit.MILLISECONDS);
            return reply;
        };
    }

    static long expectedBytes(int n) {
        return (long) n * (n + 1) / 2;
    }

    @Test
    void eachKindOfClientRetriesEvery503OnceAndReadsEveryBody() throws Exception {
        for (String kind : List.of("blocking", "async")) {
            Fake f = new Fake();
            Client client = kind.equals("blocking") ? blocking(f) : async(f);
            Batch.Result r = Batch.run(client, uris(40), 8);
            assertEquals(expectedBytes(40), r.bytes(), kind);
            assertEquals(4, r.retries(), kind);
            assertEquals(44, r.exchanges(), kind);
            assertEquals(2, f.tries.get(URI.create("http://127.0.0.1:1/p30.jpg")).get(), kind);
            assertEquals(1, f.tries.get(URI.create("http://127.0.0.1:1/p31.jpg")).get(), kind);
            assertEquals(Set.of("HTTP/1.1"), r.versions(), kind);
        }
    }

    @Test
    void retryWaitsTheBackoff() throws Exception {
        long t0 = System.nanoTime();
        Batch.run(async(new Fake()), uris(1), 1);   // p0: a 503, then the retry
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= Batch.BACKOFF_MS, "the retry came before the back-off");
    }

    @Test
    void exactlyConcurrencyExchangesInFlight() throws Exception {
        for (int c : new int[]{1, 3, 8}) {
            Fake b = new Fake(), a = new Fake();
            Batch.run(blocking(b), uris(60), c);
            Batch.run(async(a), uris(60), c);
            assertEquals(c, b.maxInFlight.get(), "blocking, concurrency " + c);
            assertEquals(c, a.maxInFlight.get(), "async, concurrency " + c);
        }
    }

    @Test
    void aStatusThatIsNeither200Nor503FailsTheBatchNamingTheUrl() {
        List<URI> list = List.of(URI.create("http://127.0.0.1:1/p1.jpg"), URI.create("http://127.0.0.1:1/missing"));
        for (Client c : List.of(blocking(new Fake()), async(new Fake()))) {
            Exception e = assertThrows(IllegalStateException.class, () -> Batch.run(c, list, 2));
            assertEquals("http://127.0.0.1:1/missing: HTTP 404", e.getMessage());
        }
    }

    @Test
    void a503AfterTheRetryFailsTheBatch() {
        Client.Blocking always503 = u -> new Client.Reply(503, new byte[0], null);
        Exception e = assertThrows(IllegalStateException.class, () -> Batch.run(always503, uris(1), 1));
        assertTrue(e.getMessage().endsWith("HTTP 503"), e.getMessage());
    }

    @Test
    void anIoErrorFailsTheBatch() {
        Client.Async broken = u -> CompletableFuture.failedFuture(new java.io.IOException("connection reset"));
        Exception e = assertThrows(java.io.IOException.class, () -> Batch.run(broken, uris(3), 2));
        assertEquals("connection reset", e.getMessage());
    }

    @Test
    void concurrencyBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Batch.run(blocking(new Fake()), uris(1), 0));
    }
}
