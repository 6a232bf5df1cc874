package dev.gpupool.thumbnail;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** Fetches in flight follow latency x consumption rate, within the cap and the body budget (a fake clock). */
class FetchWindowTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong();

    /** The backend completes an image every {@code everyMs} for {@code n} images. */
    private void consume(FetchWindow w, int n, long everyMs) {
        for (int i = 0; i < n; i++) {
            now.addAndGet(everyMs * MS);
            w.consumed();
        }
    }

    @Test
    void holdsLatencyTimesRateWithHeadroom() {
        FetchWindow w = new FetchWindow(8, 64, Long.MAX_VALUE, now::get);
        assertEquals(8, w.limit(), "nothing measured yet: the initial window");
        consume(w, 20, 10); // 100 images/s
        assertEquals(100.0, w.rate(), 1e-9);
        w.fetched(200 * MS, 1 << 20); // 200 ms a fetch
        assertEquals((int) Math.ceil(0.2 * 100 * 1.5) + 2, w.limit()); // 32
        // A faster server: the window shrinks to what hides 20 ms.
        for (int i = 0; i < 40; i++) w.fetched(20 * MS, 1 << 20);
        assertTrue(w.limit() <= (int) Math.ceil(0.021 * 100 * 1.5) + 2 && w.limit() >= 5, "limit " + w.limit());
    }

    @Test
    void neverAboveTheCapNorBelowTwo() {
        FetchWindow w = new FetchWindow(8, 16, Long.MAX_VALUE, now::get);
        consume(w, 20, 1); // 1000 images/s
        w.fetched(1000 * MS, 100);
        assertEquals(16, w.limit(), "the cap (--io-concurrency)");
        FetchWindow slow = new FetchWindow(8, 64, Long.MAX_VALUE, now::get);
        consume(slow, 5, 10_000); // one image every 10 s
        slow.fetched(MS, 100);
        assertEquals(FetchWindow.MIN + 1, slow.limit(), "ceil of a tiny product, plus the slack");
        assertEquals(1, new FetchWindow(8, 1, Long.MAX_VALUE, now::get).limit(), "a cap of 1 is kept");
    }

    @Test
    void noMoreBodiesThanTheBudgetHolds() {
        FetchWindow w = new FetchWindow(8, 64, 100L << 20, now::get); // 100 MiB for bodies
        consume(w, 20, 10);
        w.fetched(500 * MS, 10L << 20); // 10 MiB bodies, 500 ms: latency x rate wants 77
        assertEquals(10, w.limit());
    }

    @Test
    void growsWhileFetchingIsTheBottleneck() {
        // 100 ms a fetch and a backend that could take 1000 images/s: completions come as fast as the
        // window lets fetches finish, so each measurement widens it until the cap.
        FetchWindow w = new FetchWindow(4, 64, Long.MAX_VALUE, now::get);
        int previous = w.limit();
        for (int round = 0; round < 10; round++) {
            int window = w.limit();
            w.fetched(100 * MS, 1000);
            for (int i = 0; i < FetchWindow.RATE_SAMPLES; i++) { // window images per 100 ms
                now.addAndGet(100 * MS / window);
                w.consumed();
            }
            assertTrue(w.limit() >= previous, "never narrower while starved");
            previous = w.limit();
        }
        assertEquals(64, w.limit(), "slow start reaches the cap");
    }

    @Test
    void acquireWaitsForASlot() throws Exception {
        FetchWindow w = new FetchWindow(2, 2, Long.MAX_VALUE, now::get);
        w.acquire();
        w.acquire();
        CompletableFuture<Void> third = CompletableFuture.runAsync(w::acquire);
        Thread.sleep(200);
        assertFalse(third.isDone(), "two in flight: the third waits");
        w.release();
        third.get(5, TimeUnit.SECONDS);
        assertEquals(2, w.inFlight());
    }
}
