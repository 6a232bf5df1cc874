package dev.gpupool;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A task past its timeout that does not heed the interrupt (as a decode inside native code does
 * not) keeps its thread: the pool lends itself another meanwhile, so the rest of the work goes on.
 */
class PoolTimeoutTest {
    /** Busy for {@code millis}, ignoring interrupts, as libjpeg-turbo inside a decode. */
    private static String deaf(long millis, AtomicBoolean stop) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end && !stop.get()) Thread.onSpinWait();
        return "done";
    }

    @Test
    void aTimedOutTaskStuckInUninterruptibleCodeDoesNotTakeItsWorkerFromTheRest() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (Pool pool = Pool.builder().backend(Backend.CPU_THREADS).workers(1).open()) {
            CompletableFuture<String> stuck = pool.submit(() -> deaf(20_000, stop), Duration.ofMillis(300));
            CompletableFuture<String> next = pool.submit(() -> "next");
            ExecutionException e = assertThrows(ExecutionException.class, () -> stuck.get(10, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertEquals("next", next.get(5, TimeUnit.SECONDS), "the next task ran on a lent thread, not after the stuck one");
            assertEquals(1, pool.lentThreads());
            stop.set(true); // the stuck call returns at last: its thread is back, the lent one goes
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (pool.lentThreads() != 0 && System.nanoTime() < end) Thread.sleep(10);
            assertEquals(0, pool.lentThreads());
        } finally {
            stop.set(true);
        }
    }

    @Test
    void lentThreadsAreBoundedByTheWorkers() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (Pool pool = Pool.builder().backend(Backend.CPU_THREADS).workers(1).open()) {
            CompletableFuture<String> a = pool.submit(() -> deaf(20_000, stop), Duration.ofMillis(200));
            assertThrows(ExecutionException.class, () -> a.get(10, TimeUnit.SECONDS));
            CompletableFuture<String> b = pool.submit(() -> deaf(20_000, stop), Duration.ofMillis(200));
            assertThrows(ExecutionException.class, () -> b.get(10, TimeUnit.SECONDS));
            CompletableFuture<String> c = pool.submit(() -> "waits");
            Thread.sleep(500);
            assertFalse(c.isDone(), "two hostile tasks hold both threads: the pool lends no more than its workers");
            assertEquals(1, pool.lentThreads());
            stop.set(true);
            assertEquals("waits", c.get(5, TimeUnit.SECONDS));
        } finally {
            stop.set(true);
        }
    }
}
