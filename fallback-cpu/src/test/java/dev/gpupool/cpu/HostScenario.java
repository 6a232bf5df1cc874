package dev.gpupool.cpu;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A host JVM for tests that need one to kill: starts a pool of two single-task worker processes,
 * gives each a task that keeps its CPU busy for a minute, prints {@code host=PID} and, once both
 * tasks run, {@code workers=PID,PID}, then waits for them.
 */
public final class HostScenario {
    private HostScenario() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("host=" + ProcessHandle.current().pid());
        ProcessPool pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(2).startupCache(false));
        pool.awaitStarted();
        List<CompletableFuture<byte[]>> busy = List.of(pool.submit(req("spin:60000")), pool.submit(req("spin:60000")));
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (pool.workerPids().size() < 2 && System.nanoTime() < end) Thread.sleep(20);
        Thread.sleep(300); // both tasks written to their workers, and spinning
        System.out.println("workers=" + String.join(",", pool.workerPids().stream().map(String::valueOf).toList()));
        System.out.flush();
        CompletableFuture.allOf(busy.toArray(CompletableFuture[]::new)).join();
    }

    private static byte[] req(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
