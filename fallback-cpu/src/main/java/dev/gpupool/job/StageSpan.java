package dev.gpupool.job;

import java.time.Instant;

/**
 * One stage of one image's job: what ran, when (wall-clock microseconds since the epoch, so spans from
 * worker processes on the same machine line up with the host's), for how long, and on which worker.
 *
 * @param stage          {@code fetch}, {@code read}, {@code decode}, {@code resize} or {@code encode}
 * @param startMicros    start, microseconds since the epoch
 * @param durationMicros duration in microseconds
 * @param worker         the thread, process or device that ran it ("pid 4242 gpupool-worker-1", "opencl")
 */
public record StageSpan(String stage, long startMicros, long durationMicros, String worker) {
    /** Now, in microseconds since the epoch. */
    public static long nowMicros() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    /** A span from {@code startMicros} to now on the current thread (named with its process). */
    public static StageSpan since(String stage, long startMicros) {
        return new StageSpan(stage, startMicros, Math.max(0, nowMicros() - startMicros), currentWorker());
    }

    /** "pid N thread-name" ("pid N" for a worker process's main thread): unique across the host and its workers. */
    public static String currentWorker() {
        String thread = Thread.currentThread().getName();
        return "pid " + ProcessHandle.current().pid() + (thread.equals("main") ? "" : " " + thread);
    }
}
