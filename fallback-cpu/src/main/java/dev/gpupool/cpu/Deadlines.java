package dev.gpupool.cpu;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** A {@link ProcessPool}'s one timer thread: its workers' start timeouts, its tasks' timeouts, the watch for stopped workers. */
final class Deadlines {
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "gpupool-process-pool-timer");
        t.setDaemon(true);
        return t;
    });

    Deadlines() {
        timer.setRemoveOnCancelPolicy(true); // cancelled task timeouts must not pile up
    }

    /** Runs {@code task} after {@code after}; returns its schedule, or null once the pool has finished. */
    ScheduledFuture<?> schedule(Runnable task, Duration after) {
        try {
            return timer.schedule(task, after.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Runs {@code task} every {@code period} until the pool has finished. */
    void every(Runnable task, Duration period) {
        try {
            timer.scheduleWithFixedDelay(task, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the pool has finished
        }
    }

    void shutdown() {
        timer.shutdownNow();
    }
}
