package dev.gpupool;

import java.util.concurrent.ThreadPoolExecutor;

/**
 * Threads a {@link Pool} lends itself in place of those its timed-out tasks still hold. A task past
 * its timeout is failed and its thread interrupted, but code that does not heed interrupts (a
 * decode inside libjpeg-turbo, a busy loop) keeps the thread until it returns; without a
 * replacement, a few such tasks would leave the pool fewer threads than {@code workers} for the
 * rest of the batch. The pool grows by one thread per such task, up to twice its workers (so that
 * hostile inputs cannot make it grow without bound), and shrinks back as each one returns.
 */
final class LentThreads {
    private final ThreadPoolExecutor executor;
    private final int workers;
    private int lent; // guarded by this

    LentThreads(ThreadPoolExecutor executor, int workers) {
        this.executor = executor;
        this.workers = workers;
    }

    /** One more thread while a timed-out task holds its own; false when the limit is reached (nothing lent). */
    synchronized boolean lend() {
        if (lent >= workers) return false;
        lent++;
        executor.setMaximumPoolSize(workers + lent); // the maximum first: it may never be below the core size
        executor.setCorePoolSize(workers + lent);
        return true;
    }

    /** The timed-out task has returned: one thread fewer (an idle one ends). */
    synchronized void giveBack() {
        lent--;
        executor.setCorePoolSize(workers + lent);
        executor.setMaximumPoolSize(workers + lent);
    }

    /** Threads lent now (for tests). */
    synchronized int lent() {
        return lent;
    }
}
