package dev.gpupool.cpu;

import java.io.Serial;

/**
 * Worker processes died twice while running this task, so the input is taken to be poison (for
 * example a file that crashes a native decoder) and the task fails; the pool and the other tasks go
 * on. {@link #exitCode()} is the exit code of the second process that died.
 */
public final class WorkerCrashedException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    private final int exitCode;

    public WorkerCrashedException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** Exit code of the last worker process that died on this input (128 + signal when killed). */
    public int exitCode() {
        return exitCode;
    }
}
