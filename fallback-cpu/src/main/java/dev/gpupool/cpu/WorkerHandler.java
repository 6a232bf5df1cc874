package dev.gpupool.cpu;

/**
 * The work a {@link ProcessPool} carries: runs inside a worker JVM and turns one request into one
 * response.
 *
 * <p>Implementations must be public, non-abstract and have a public no-argument constructor; each
 * worker process creates exactly one instance, when it starts, and calls {@link #handle} on it for
 * every task it is given: one task at a time with {@link ProcessPool.Options#threadsPerProcess}
 * at 1 (the default), from that many threads at once otherwise, when the handler must be
 * thread-safe. Instances may keep caches, but must not let the result of one call depend on an
 * earlier one: a task may be retried on another process.
 *
 * <p>Standard output is redirected to standard error in workers (standard output carries the
 * protocol), so printing is harmless. A handler that cannot finish (a stuck native call) is
 * stopped only by killing its process: give the pool a task timeout.
 */
@FunctionalInterface
public interface WorkerHandler {

    /**
     * Handles one request.
     *
     * @param request the request bytes, exactly as passed to {@link ProcessPool#submit(byte[])}
     * @return the response bytes, delivered to the task's future; must not be {@code null}
     * @throws Exception to fail this task only, with a {@link WorkerTaskException} carrying the
     *     exception's class name and message; the worker stays in service. An {@link Error} (for
     *     example {@code OutOfMemoryError}) ends the worker process and counts as a crash.
     */
    byte[] handle(byte[] request) throws Exception;

    /**
     * Called once, on a thread of its own, as soon as the worker has told the pool it is ready: a
     * chance to load libraries and initialise classes while the worker waits for its first task, so
     * that the first tasks do not pay for it. Tasks may arrive (and run) while it is still going, so
     * it must not change what {@link #handle} computes. Exceptions are ignored. Default: nothing.
     */
    default void warmUp() throws Exception {
    }
}
