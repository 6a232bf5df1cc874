package dev.gpupool.cpu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One submitted request and its future, as the {@link ProcessPool} tracks it.
 *
 * <p>Its {@link Phase} moves only under the pool's lock:
 * <pre>
 *   QUEUED --(a slot takes it)--------------------&gt; RUNNING
 *   RUNNING --(its process died or was killed for
 *              another task: retried / requeued)--&gt; QUEUED   (back at the head of the queue)
 *   RUNNING --(answered, failed, timed out)-------&gt; DONE
 *   QUEUED --(abandoned, pool closed or failed)---&gt; DONE
 * </pre>
 * {@code slot} is non-null exactly while RUNNING; {@code deadline} only while RUNNING with a timeout.
 */
final class PoolTask {

    /** Where a task is; see the class documentation for the moves. */
    enum Phase { QUEUED, RUNNING, DONE }

    /** Marker returned by {@code WorkerSlot.next()}: its process's output has ended (it died or was killed). */
    static final PoolTask ENDED = new PoolTask(-2, new byte[0], null);

    final long id;
    final byte[] request;
    final Duration timeout;
    final CompletableFuture<byte[]> future = new CompletableFuture<>();

    // guarded by the pool's lock
    Phase phase = Phase.QUEUED;
    WorkerSlot slot;              // the slot running it; non-null iff phase == RUNNING
    int crashes;                  // worker deaths it was running in, not counting kills for others
    boolean alone;                // set by a death: from then on it runs with no other task in its process
    ScheduledFuture<?> deadline;  // its timeout while RUNNING, or null
    List<Path> scratch = List.of(); // temporaries its worker said it creates (Protocol.SCRATCH), until it answers

    PoolTask(long id, byte[] request, Duration timeout) {
        this.id = id;
        this.request = request;
        this.timeout = timeout;
    }

    /** Caller holds the pool's lock. Taken by {@code slot}: QUEUED to RUNNING. */
    void run(WorkerSlot slot) {
        this.phase = Phase.RUNNING;
        this.slot = slot;
    }

    /** Caller holds the pool's lock. Leaves its slot (if any) and cancels its deadline. */
    void detach() {
        slot = null;
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** Caller holds the pool's lock. */
    void finish() {
        detach();
        phase = Phase.DONE;
    }

    /** Caller holds the pool's lock. Back to the queue (the caller puts it there). */
    void requeue() {
        detach();
        phase = Phase.QUEUED;
    }
}
