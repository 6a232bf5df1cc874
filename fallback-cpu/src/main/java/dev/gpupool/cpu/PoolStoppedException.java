package dev.gpupool.cpu;

import java.util.concurrent.CancellationException;

/**
 * A task did not run, or was stopped while running, because its pool was stopped for the reason
 * in the message (for example {@code interrupted by SIGTERM}, from {@link ProcessPool#shutdown}):
 * not the input's fault. A {@link CancellationException}, so callers that treat a closed pool's
 * tasks as cancelled still do; its message is the one-line reason a report gives.
 */
public final class PoolStoppedException extends CancellationException {
    public PoolStoppedException(String reason) {
        super(reason);
    }
}
