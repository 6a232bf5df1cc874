package dev.gpupool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class PoolTest {
    private Pool pool;

    @BeforeEach
    void open() {
        pool = Pool.builder().backend(Backend.CPU_THREADS).workers(3).open();
    }

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void mapKeepsInputOrderWhateverTheCompletionOrder() {
        List<Integer> in = IntStream.range(0, 20).boxed().toList();
        List<Outcome<Integer>> out = pool.map(i -> {
            Thread.sleep((20 - i) * 3L); // later inputs finish first
            return i * i;
        }, in);
        for (int i = 0; i < in.size(); i++) {
            assertEquals(i, out.get(i).index());
            assertEquals(i * i, out.get(i).get());
        }
    }

    @Test
    void mapUnorderedYieldsInCompletionOrder() {
        List<Integer> in = List.of(300, 10, 150);
        List<Integer> order = pool.<Integer, Integer>mapUnordered(ms -> {
            Thread.sleep(ms);
            return ms;
        }, in).map(Outcome::get).toList();
        assertEquals(List.of(10, 150, 300), order);
    }

    @Test
    void aFailingTaskIsCapturedAndTheOthersComplete() {
        List<Outcome<String>> out = pool.map(i -> {
            if (i == 2) throw new IllegalStateException("bad input " + i);
            return "ok" + i;
        }, List.of(0, 1, 2, 3, 4));
        assertEquals(4, out.stream().filter(Outcome::ok).count());
        assertFalse(out.get(2).ok());
        assertInstanceOf(IllegalStateException.class, out.get(2).failure());
        assertEquals("bad input 2", out.get(2).failure().getMessage());
        assertEquals("ok4", out.get(4).get());
    }

    @Test
    void concurrencyIsBoundedByWorkers() {
        AtomicInteger running = new AtomicInteger(), peak = new AtomicInteger();
        pool.map(i -> {
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            Thread.sleep(30);
            running.decrementAndGet();
            return i;
        }, IntStream.range(0, 15).boxed().toList());
        assertEquals(3, peak.get(), "3 workers: exactly 3 tasks at once at the peak");
    }

    @Test
    void taskTimeoutFailsTheFutureAndInterruptsTheTask() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        CompletableFuture<String> f = pool.submit(() -> {
            try {
                Thread.sleep(10_000);
                return "late";
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        }, Duration.ofMillis(100));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the timed-out task was interrupted");
    }

    @Test
    void timeoutCountsFromStartNotFromSubmission() throws Exception {
        // 3 workers busy for 300 ms; a 200 ms-timeout task queued behind them must still succeed.
        List<CompletableFuture<Integer>> blockers = new ArrayList<>();
        for (int i = 0; i < 3; i++) blockers.add(pool.submit(() -> { Thread.sleep(300); return 0; }));
        CompletableFuture<String> queued = pool.submit(() -> "ran", Duration.ofMillis(200));
        assertEquals("ran", queued.get(5, TimeUnit.SECONDS));
    }

    @Test
    void cancellingARunningTaskInterruptsIt() throws Exception {
        CountDownLatch started = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        CompletableFuture<Void> f = pool.submit(() -> {
            started.countDown();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return null;
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        assertTrue(f.cancel(true));
        assertTrue(interrupted.await(5, TimeUnit.SECONDS));
        assertThrows(CancellationException.class, f::join);
    }

    @Test
    void cancellingAQueuedTaskMeansItNeverRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) pool.submit(() -> { release.await(); return 0; });
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Integer> queued = pool.submit(() -> { ran.set(true); return 1; });
        assertTrue(queued.cancel(false));
        release.countDown();
        pool.submit(() -> 0).get(5, TimeUnit.SECONDS); // the queue has drained past it
        Thread.sleep(50);
        assertFalse(ran.get());
    }

    @Test
    void batchDeadlineCancelsWhatIsNotDone() {
        List<Outcome<Integer>> out = pool.map(ms -> { Thread.sleep(ms); return ms; }, List.of(10, 5_000, 20, 5_000), Duration.ofMillis(300));
        assertTrue(out.get(0).ok());
        assertTrue(out.get(2).ok());
        assertInstanceOf(TimeoutException.class, out.get(1).failure());
        assertTrue(out.get(3).failure() instanceof TimeoutException, "" + out.get(3).failure());
    }

    @Test
    void closeWaitsForSubmittedWorkThenRejects() throws Exception {
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 6; i++) pool.submit(() -> { Thread.sleep(50); return done.incrementAndGet(); });
        pool.close();
        assertEquals(6, done.get());
        CompletableFuture<Integer> late = pool.submit(() -> 1);
        ExecutionException e = assertThrows(ExecutionException.class, late::get);
        assertInstanceOf(RejectedExecutionException.class, e.getCause());
    }

    @Test
    void theRuntimeMakesOneEngineAndIsClosedWithThePool() {
        Pool p = Pool.open(Backend.CPU_THREADS);
        dev.gpupool.backend.BackendRuntime rt = p.runtime();
        assertEquals(Backend.CPU_THREADS, rt.backend());
        assertSame(rt.thumbnails(p), rt.thumbnails(p));
        assertEquals(null, rt.kernels(), "a CPU backend has no device to run kernels on");
        p.close();
        assertThrows(java.util.concurrent.RejectedExecutionException.class, p::runtime);
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> rt.thumbnails(p));
    }

    @Test
    void autoFallsBackToTheCpuPoolWithReasonsWhenNoDeviceIsHere() {
        try (Pool auto = Pool.open()) {
            // On a machine without CUDA/OpenCL GPUs (CI) auto must land on the CPU process pool.
            if (auto.backend() == Backend.CPU) {
                assertTrue(auto.device().contains("worker process"), auto.device());
                assertTrue(auto.probes().stream().anyMatch(p -> p.backend() == Backend.CUDA && !p.usable() && !p.reason().isBlank()));
            } else {
                assertTrue(auto.backend() == Backend.CUDA || auto.backend() == Backend.OPENCL);
            }
        }
    }

    @Test
    void insistingOnAMissingBackendFailsWithTheReason() {
        org.junit.jupiter.api.Assumptions.assumeFalse(new java.io.File("/dev/nvidia0").exists(), "a GPU is present");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Pool.open(Backend.CUDA));
        assertTrue(e.getMessage().startsWith("cuda backend not available"), e.getMessage());
    }
}
