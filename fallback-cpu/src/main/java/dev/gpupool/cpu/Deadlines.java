package dev.gpupool.cpu;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** A {@link ProcessPool}'s one timer thread, for its workers' start timeouts and its tasks' timeouts. */
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

    void shutdown() {
        timer.shutdownNow();
    }
}
