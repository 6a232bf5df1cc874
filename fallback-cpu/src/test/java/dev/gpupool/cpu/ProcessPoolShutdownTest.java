package dev.gpupool.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProcessPool#shutdown}: a signal's stop within a grace, and workers that leave signals to their host. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolShutdownTest {
    private ProcessPool pool;
    private final List<Long> seen = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void tearDown() {
        if (pool != null) pool.closeNow();
        for (long pid : seen) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private ProcessPool start(int workers) throws InterruptedException {
        pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(workers).startupCache(false));
        pool.awaitStarted();
        return pool;
    }

    private static byte[] req(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Throwable failure(CompletableFuture<byte[]> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e.getCause() != null ? e.getCause() : e; // get() reports a CancellationException failure so
        }
        throw new AssertionError("expected the task to fail");
    }

    private List<Long> awaitPids(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (pool.workerPids().size() < n && System.nanoTime() < end) Thread.sleep(20);
        List<Long> pids = pool.workerPids();
        seen.addAll(pids);
        assertEquals(n, pids.size(), "workers running");
        return pids;
    }

    @Test
    void shutdownFailsTheQueueAtOnceLetsRunningTasksFinishWithinTheGraceThenKillsTheRest() throws Exception {
        start(2);
        List<Long> pids = awaitPids(2);
        Path temp = tmp.resolve("half-written.tmp");
        CompletableFuture<byte[]> quick = pool.submit(req("sleep:500"));
        CompletableFuture<byte[]> stuck = pool.submit(req("scratch:sleep:" + temp));
        CompletableFuture<byte[]> queued = pool.submit(req("echo:never"));
        long waitEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(temp) && System.nanoTime() < waitEnd) Thread.sleep(10);
        assertTrue(Files.exists(temp), "the stuck task wrote its temporary");

        long t0 = System.nanoTime();
        pool.shutdown(Duration.ofSeconds(2), "interrupted by SIGTERM");
        double took = (System.nanoTime() - t0) / 1e9;

        assertTrue(pids.contains(Long.parseLong(new String(quick.get(), StandardCharsets.UTF_8))),
                "the task that ended within the grace succeeded");
        Throwable q = failure(queued);
        assertInstanceOf(PoolStoppedException.class, q);
        assertEquals("interrupted by SIGTERM", q.getMessage());
        Throwable s = failure(stuck);
        assertInstanceOf(PoolStoppedException.class, s, "killed for the shutdown, not a crash nor a timeout: " + s);
        assertEquals("interrupted by SIGTERM", s.getMessage());
        assertTrue(took >= 1.9 && took < 6, "shutdown took " + took + " s for a 2 s grace");
        assertFalse(Files.exists(temp), "the killed task's temporary is deleted");
        assertTrue(pool.workerPids().isEmpty(), "no worker restarted: " + pool.workerPids());
        for (long pid : pids) assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " ended");
        Throwable late = failure(pool.submit(req("echo:late")));
        assertEquals("interrupted by SIGTERM", late.getMessage(), "later work fails with the reason");
        pool.close(); // returns at once
    }

    @Test
    void shutdownReturnsAsSoonAsNothingRuns() throws Exception {
        start(1);
        awaitPids(1);
        CompletableFuture<byte[]> quick = pool.submit(req("sleep:300"));
        Thread.sleep(100);
        long t0 = System.nanoTime();
        pool.shutdown(Duration.ofSeconds(20), "interrupted by SIGINT");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "did not wait out the grace with nothing running");
        assertTrue(quick.isDone() && !quick.isCompletedExceptionally());
    }

    @Test
    void aWorkerIgnoresSigtermAndSigintTheHostDecidesWhenItEnds() throws Exception {
        start(1);
        long pid = awaitPids(1).getFirst();
        CompletableFuture<byte[]> task = pool.submit(req("sleep:1500"));
        Thread.sleep(300);
        for (String sig : List.of("TERM", "INT", "HUP")) new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor();
        assertEquals(Long.toString(pid), new String(task.get(20, TimeUnit.SECONDS), StandardCharsets.UTF_8),
                "the task finished in the worker that was signalled");
        assertEquals(List.of(pid), pool.workerPids());
    }

    @Test
    void aWorkerThatDiesInTheGraceIsNotReplacedAndItsTaskIsNotRetried() throws Exception {
        start(2);
        List<Long> pids = awaitPids(2);
        CompletableFuture<byte[]> a = pool.submit(req("sleep:20000")), b = pool.submit(req("sleep:20000"));
        Thread.sleep(300);
        Thread stopper = new Thread(() -> pool.shutdown(Duration.ofSeconds(6), "interrupted by SIGTERM"));
        stopper.start(); // a grace that the other task keeps going
        Thread.sleep(300);
        ProcessHandle.of(pids.getFirst()).orElseThrow().destroyForcibly(); // one worker dies in the grace
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        while (!a.isDone() && !b.isDone() && System.nanoTime() < end) Thread.sleep(20);
        assertTrue(a.isDone() != b.isDone(), "the dead worker's task failed at once, not retried in the grace");
        assertEquals("interrupted by SIGTERM", failure(a.isDone() ? a : b).getMessage());
        assertEquals(List.of(pids.get(1)), pool.workerPids(), "no worker started in the grace");
        stopper.join(20_000);
        for (CompletableFuture<byte[]> f : List.of(a, b)) assertEquals("interrupted by SIGTERM", failure(f).getMessage());
    }
}
