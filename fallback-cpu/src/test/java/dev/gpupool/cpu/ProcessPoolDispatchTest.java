package dev.gpupool.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How soon the pool hands a worker its next task. Futures complete on the pool's reader thread, so a
 * caller's callback runs there; a free lane must not wait for it (on a small batch the first
 * callbacks, cold, took ~100 ms while the worker's thread idled).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProcessPoolDispatchTest {
    private ProcessPool pool;

    @TempDir
    Path tmp;

    @AfterEach
    void tearDown() {
        if (pool != null) pool.closeNow();
    }

    @Test
    void theNextTaskStartsWhileTheFinishedOnesCallbackStillRuns() throws Exception {
        // One process, one lane: the second task can start only once the first one's lane is free.
        pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(1).threadsPerProcess(1).startupCache(false));
        Path started = tmp.resolve("second-started");
        CompletableFuture<byte[]> first = pool.submit("echo:first".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<byte[]> second = pool.submit(("touch:" + started).getBytes(StandardCharsets.UTF_8));
        // The first task's callback (on the reader thread) waits for the second task to have started.
        CompletableFuture<Boolean> sawSecond = first.thenApply(r -> appearsWithin(started, 10_000));
        assertTrue(sawSecond.get(20, TimeUnit.SECONDS), "the second task started while the first one's callback ran");
        second.get(20, TimeUnit.SECONDS);
    }

    @Test
    void anotherAnswerIsReadWhileACallbackRuns() throws Exception {
        // One process, two lanes. A answers at once and its lane takes D (long); B answers after 300 ms
        // and its lane can take C only once B's answer has been read, while A's callback still runs.
        pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(2).threadsPerProcess(2).startupCache(false));
        Path started = tmp.resolve("c-started");
        CompletableFuture<byte[]> a = pool.submit("echo:a".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<byte[]> b = pool.submit("sleep:300".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<byte[]> d = pool.submit("sleep:3000".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<byte[]> c = pool.submit(("touch:" + started).getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Boolean> sawC = a.thenApply(r -> appearsWithin(started, 2_000)); // well before D ends
        assertTrue(sawC.get(20, TimeUnit.SECONDS), "B's answer was read and C started while A's callback ran");
        for (CompletableFuture<byte[]> f : java.util.List.of(b, c, d)) f.get(20, TimeUnit.SECONDS);
    }

    /** Whether {@code file} exists within {@code millis} (polled every 10 ms), on the calling thread. */
    private static boolean appearsWithin(Path file, long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!Files.exists(file) && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return Files.exists(file);
    }
}
