package dev.gpupool.bench.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fetches every URL of a batch through one {@link Client}, at most {@code concurrency} exchanges at a
 * time, with the one retry rule every client gets (so that only the exchange itself differs): a 503
 * is tried once more after {@link #BACKOFF_MS}; anything else that is not a 200, and any error, fails
 * the batch. Each URL is fetched by one of {@code concurrency} lanes that take the next URL when their
 * last one is done, as gpupool's fetch window does.
 */
final class Batch {
    /** The pause before the one retry of a 503. */
    static final long BACKOFF_MS = 200;

    /** What a batch fetched: body bytes of the 200s, exchanges made (retries included), retries, versions seen. */
    record Result(long bytes, int exchanges, int retries, Set<String> versions) {
    }

    private final List<URI> uris;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger exchanges = new AtomicInteger(), retries = new AtomicInteger();
    private final Set<String> versions = ConcurrentHashMap.newKeySet();

    private Batch(List<URI> uris) {
        this.uris = uris;
    }

    /** Runs the batch; throws the first failure (a status, an I/O error) of any exchange. */
    static Result run(Client client, List<URI> uris, int concurrency) throws Exception {
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
        Batch b = new Batch(uris);
        switch (client) {
            case Client.Blocking c -> b.runBlocking(c, concurrency);
            case Client.Async c -> b.runAsync(c, concurrency);
        }
        return new Result(b.bytes.get(), b.exchanges.get(), b.retries.get(), new TreeSet<>(b.versions));
    }

    private void runBlocking(Client.Blocking c, int concurrency) throws Exception {
        Thread.Builder builder = c.virtualThreads() ? Thread.ofVirtual().name("lane-", 0) : Thread.ofPlatform().name("lane-", 0);
        List<Thread> lanes = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int l = 0; l < concurrency; l++) {
            lanes.add(builder.start(() -> {
                try {
                    for (int i; (i = next.getAndIncrement()) < uris.size(); ) {
                        URI u = uris.get(i);
                        Client.Reply r = c.get(u);
                        if (r.status() == 503) {
                            count(u, r, true);
                            Thread.sleep(BACKOFF_MS);
                            r = c.get(u);
                        }
                        count(u, r, false);
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        if (failure[0] == null) failure[0] = e;
                    }
                    next.set(uris.size());
                }
            }));
        }
        for (Thread t : lanes) t.join();
        if (failure[0] instanceof Exception e) throw e;
        if (failure[0] != null) throw new IllegalStateException(failure[0]);
    }

    private void runAsync(Client.Async c, int concurrency) throws Exception {
        Executor later = CompletableFuture.delayedExecutor(BACKOFF_MS, TimeUnit.MILLISECONDS);
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int l = 0; l < concurrency; l++) lanes.add(lane(c, later));
        try {
            CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            throw e;
        }
    }

    /** The next URL of this lane, then (when it is in) the one after, until none is left. */
    private CompletableFuture<Void> lane(Client.Async c, Executor later) {
        int i = next.getAndIncrement();
        if (i >= uris.size()) return CompletableFuture.completedFuture(null);
        URI u = uris.get(i);
        return c.get(u).thenCompose(r -> {
            if (r.status() != 503) return CompletableFuture.completedFuture(r);
            count(u, r, true);
            return CompletableFuture.runAsync(() -> { }, later).thenCompose(x -> c.get(u));
        }).thenCompose(r -> {
            count(u, r, false);
            return lane(c, later);
        });
    }

    /** Counts one exchange; a status that is not a 200 (or a 503 about to be retried) fails the batch. */
    private void count(URI u, Client.Reply r, boolean retrying) {
        exchanges.incrementAndGet();
        if (r.version() != null) versions.add(r.version());
        if (retrying) {
            retries.incrementAndGet();
            return;
        }
        if (r.status() != 200) throw new IllegalStateException(u + ": HTTP " + r.status());
        bytes.addAndGet(r.body().length);
    }
}
