package dev.gpupool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Pool} task's future: its cancellation reaches the running task (the runner is
 * cancelled, interrupting its thread), and a signal's shutdown can fail it before it starts
 * without a race with its start ({@link #start}, {@link #stopIfWaiting} move its phase once).
 */
final class TaskFuture<T> extends CompletableFuture<T> {
    volatile FutureTask<Void> runner;
    /** 0 waiting, 1 started, 2 stopped before it started: moves once, so a task never both runs and is stopped unstarted. */
    private final AtomicInteger phase = new AtomicInteger();

    /** The task's thread is about to run it; false when it must not (done already, or stopped unstarted). */
    boolean start() {
        return phase.compareAndSet(0, 1) && !isDone();
    }

    /** Fails the task with the reason if it has not started; it then never will. */
    void stopIfWaiting(String why) {
        if (phase.compareAndSet(0, 2)) completeExceptionally(new dev.gpupool.cpu.PoolStoppedException(why));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        FutureTask<Void> r = runner;
        if (cancelled && r != null) r.cancel(true);
        return cancelled;
    }

    void expire(TimeoutException e) {
        if (completeExceptionally(e)) {
            FutureTask<Void> r = runner;
            if (r != null) r.cancel(true);
        }
    }
}
