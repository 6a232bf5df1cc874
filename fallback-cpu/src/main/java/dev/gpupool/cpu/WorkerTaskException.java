package dev.gpupool.cpu;

import java.io.Serial;

/**
 * A task's {@link WorkerHandler} threw an exception in its worker process. The worker stays in
 * service; only this task fails. The message is the handler exception's message on one line (its
 * class name when it had none); {@link #remoteClassName()} is the exception's class name. The
 * remote stack trace is printed on the worker's standard error, not carried here.
 */
public final class WorkerTaskException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    private final String remoteClassName;

    public WorkerTaskException(String remoteClassName, String message) {
        super(message);
        this.remoteClassName = remoteClassName;
    }

    /** The binary class name of the exception the handler threw, e.g. {@code java.io.IOException}. */
    public String remoteClassName() {
        return remoteClassName;
    }

    @Override
    public String toString() {
        return getClass().getName() + " (" + remoteClassName + "): " + getMessage();
    }
}
