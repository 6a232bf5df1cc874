package dev.gpupool.cpu;

import java.io.Serial;

/**
 * The pool could not keep worker processes running and has failed: a worker could not create its
 * handler, or workers failed to start (or died without completing any task) more times in a row
 * than {@link ProcessPool.Options#maxRestarts(int)} allows. Every queued, running and later task
 * fails with this exception; the message says why.
 */
public final class WorkerStartException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    public WorkerStartException(String message) {
        super(message);
    }

    public WorkerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
