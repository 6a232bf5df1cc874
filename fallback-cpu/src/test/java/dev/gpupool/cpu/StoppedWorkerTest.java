package dev.gpupool.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker stopped from outside (SIGSTOP) does not stall the batch, nor fail the tasks it holds:
 * when one reaches its time limit the worker is killed and replaced, and its tasks run elsewhere.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoppedWorkerTest {
    private ProcessPool pool;
    private long stopped = -1;

    @AfterEach
    void tearDown() {
        if (pool != null) pool.closeNow();
        if (stopped > 0) ProcessHandle.of(stopped).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static void awaitStopped(long pid) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!ProcessState.stopped(pid) && System.nanoTime() < end) Thread.sleep(5);
        assertTrue(ProcessState.stopped(pid), "the worker is stopped");
    }

    private static String get(CompletableFuture<byte[]> f) throws Exception {
        return new String(f.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    @Test
    void theTasksOfAStoppedWorkerTimeOutIntoAnotherWorkerInsteadOfFailing() throws Exception {
        pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(1).startupCache(false));
        pool.awaitStarted();
        stopped = pool.workerPids().getFirst();
        long t0 = System.nanoTime();
        // A 1 s limit passes before the watch for stopped workers (three checks a second apart) can act.
        CompletableFuture<byte[]> held = pool.submit("sleep:300".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(1));
        CompletableFuture<byte[]> behind = pool.submit("pid".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(1));
        Thread.sleep(100); // written to the worker, which now stops
        new ProcessBuilder("kill", "-STOP", Long.toString(stopped)).start().waitFor();
        awaitStopped(stopped);

        String ranOn = get(held);
        assertNotEquals(Long.toString(stopped), ranOn, "the held task ran again in a new worker");
        assertEquals(ranOn, get(behind), "the task queued behind it ran there too");
        double took = (System.nanoTime() - t0) / 1e9;
        assertTrue(took < 20, "took " + took + " s");
        ProcessHandle.of(stopped).ifPresent(h -> h.onExit().join());
        assertFalse(ProcessHandle.of(stopped).map(ProcessHandle::isAlive).orElse(false), "the stopped worker was killed");
        System.out.printf("a SIGSTOPped worker: its task ran elsewhere %.1f s after it was sent (time limit 1 s)%n", took);
    }

    @Test
    void aStoppedWorkersTasksRunElsewhereWithinSecondsEvenWithoutATimeLimit() throws Exception {
        pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(1).startupCache(false));
        pool.awaitStarted();
        stopped = pool.workerPids().getFirst();
        CompletableFuture<byte[]> held = pool.submit("sleep:300".getBytes(StandardCharsets.UTF_8)); // no time limit
        Thread.sleep(100);
        long t0 = System.nanoTime();
        new ProcessBuilder("kill", "-STOP", Long.toString(stopped)).start().waitFor();
        String ranOn = new String(held.get(15, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        double took = (System.nanoTime() - t0) / 1e9;
        assertNotEquals(Long.toString(stopped), ranOn, "the held task ran again in a new worker");
        assertTrue(took < 10, "took " + took + " s");
        System.out.printf("a SIGSTOPped worker, no time limit: its task ran elsewhere %.1f s after the stop%n", took);
    }
}
