package dev.gpupool.cpu;

import java.io.Serial;

/**
 * The pool could not keep worker processes running and has failed: a worker could not create its
 * handler, or workers failed to start (or died without completing any task) more times in a row
 * than {@link ProcessPool.Options#maxRestarts(int)} allows. Every queued, running and later task
 * fails with this exception; the message says why.
 *
 * <p>{@link #noWorkerStarted()} tells a start-up problem (no worker of the pool ever became ready:
 * the worker JVM cannot be launched here, for the reason in the message) from a pool that ran and
 * then failed. Only the former means "run the work some other way": the handler has not been
 * seen to crash on anything.
 */
public final class WorkerStartException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    private final boolean noWorkerStarted;

    public WorkerStartException(String message) {
        this(message, false);
    }

    /** {@code noWorkerStarted}: no worker of the pool ever became ready (see {@link #noWorkerStarted()}). */
    public WorkerStartException(String message, boolean noWorkerStarted) {
        super(message);
        this.noWorkerStarted = noWorkerStarted;
    }

    /** True when no worker process of the pool ever became ready: worker JVMs cannot start here. */
    public boolean noWorkerStarted() {
        return noWorkerStarted;
    }

    public WorkerStartException(String message, Throwable cause) {
        super(message, cause);
        this.noWorkerStarted = false;
    }
}
