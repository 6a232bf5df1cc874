package dev.gpupool.cpu;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * When worker failures fail the whole {@link ProcessPool} rather than being retried: the count
 * behind {@link ProcessPool.Options#maxRestarts(int)} and the fail-fast rule for start-up problems.
 * The decisions ({@link #startFailure}, {@link #death}, {@link #handlerFailure}) are pure over the
 * counts; the slots call the others, which fail the pool with a decision or wait a backoff. The
 * counts are guarded by the pool's lock.
 */
final class RestartBudget {
    private final Object lock;
    private final Consumer<RuntimeException> failPool;
    private final int maxRestarts;
    // guarded by lock
    private boolean everReady;                // a worker of this pool has said it is ready
    private int consecutiveFailures;          // unexpected worker deaths since a task last completed
    private int startFailuresBeforeReady;

    /** A budget guarded by {@code lock}, failing its pool through {@code failPool}. */
    RestartBudget(Object lock, Consumer<RuntimeException> failPool, int maxRestarts) {
        this.lock = lock;
        this.failPool = failPool;
        this.maxRestarts = maxRestarts;
    }

    /** Caller holds lock. */
    boolean everReady() {
        return everReady;
    }

    /** A worker said it is ready. */
    void ready() {
        synchronized (lock) {
            everReady = true;
            lock.notifyAll();
        }
    }

    /** Caller holds lock. A task completed: failures in a row start again from none. */
    void taskCompleted() {
        consecutiveFailures = 0;
    }

    /** A worker did not become ready, for {@code reason}: see {@link #startFailure}. */
    void startFailed(String reason) {
        settle(() -> startFailure(reason));
    }

    /** An unexpected worker death; fails the pool once the budget is spent. */
    void died(String reason) {
        settle(() -> death(reason));
    }

    /** A worker's handler could not be created ({@code why}: its stack trace): fails the pool. */
    void handlerCannotStart(String why) {
        WorkerStartException e;
        synchronized (lock) {
            e = handlerFailure(why);
        }
        failPool.accept(e);
    }

    private void settle(Supplier<WorkerStartException> decision) {
        WorkerStartException e;
        long backoff;
        synchronized (lock) {
            e = decision.get();
            backoff = Math.min(1_000, 20L * consecutiveFailures);
        }
        if (e != null) {
            failPool.accept(e);
            return;
        }
        try {
            Thread.sleep(backoff); // don't spin if the machine cannot start JVMs
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Caller holds lock. A worker that did not become ready: before any worker of this pool has
     * been ready, a second such failure is a start-up problem, which fails the pool at once with the
     * reason (retrying would fail the same way; one retry covers a worker killed from outside as it
     * started); afterwards, a death like any other. Returns the pool's failure, or null to go on.
     */
    WorkerStartException startFailure(String reason) {
        if (!everReady && ++startFailuresBeforeReady >= 2) {
            return new WorkerStartException("worker processes cannot start here: " + reason, true);
        }
        return death(reason);
    }

    /** Caller holds lock. An unexpected worker death: the pool's failure once the budget is spent, or null. */
    WorkerStartException death(String reason) {
        int n = ++consecutiveFailures;
        return n > maxRestarts ? new WorkerStartException("giving up after " + n
                + " worker failures in a row with no task completing; last: " + reason) : null;
    }

    /**
     * Caller holds lock. A handler whose classes are missing from the workers' class path cannot
     * start there (a start-up problem, while no worker has been ready); any other failure to create
     * it is the handler's own.
     */
    WorkerStartException handlerFailure(String why) {
        boolean classPath = !everReady && (why.contains("ClassNotFoundException") || why.contains("NoClassDefFoundError"));
        return new WorkerStartException(classPath ? "worker processes cannot start here: " + why : why, classPath);
    }
}
