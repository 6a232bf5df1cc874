package dev.gpupool.cpu;

/**
 * What becomes of a task whose worker process ended while running it: a pure decision, apart from
 * the pool's threads and locks, so that it can be tested as a table.
 *
 * <p>The rule: a task in a process that crashed (died with nobody here killing it) goes back to the
 * head of the queue to run alone, since it may be the cause; if it was already alone and this is
 * its second crash, it is the cause, and fails. A task whose own timeout killed the process fails
 * with a timeout. A task killed for another task's sake (that task's timeout or cancellation) is
 * requeued uncounted. Whatever would be retried fails instead once the pool no longer runs tasks
 * (closed by {@link ProcessPool#closeNow()}, failed, or in a {@link ProcessPool#shutdown}).
 */
record CrashVerdict(Action action, Reason reason) {

    /** How the task's process ended, as seen from this task. */
    enum End {
        /** The process died by itself (a crash, an exit, a kill from outside the pool). */
        CRASHED,
        /** The pool killed it because this task ran past its timeout. */
        TIMED_OUT,
        /** The pool killed it for another task (that one's timeout or cancellation). */
        KILLED_FOR_ANOTHER,
        /** The pool killed it because the pool is failing or closing now. */
        SHUTDOWN
    }

    /** What the pool does with the task. */
    enum Action { RETRY_ALONE, REQUEUE, FAIL }

    /** Why a task fails; null unless the action is {@link Action#FAIL}. */
    enum Reason {
        /** Its process died twice while running it, the second time alone: it is the cause. */
        CRASHED_TWICE,
        /** It ran past its timeout. */
        TIMED_OUT,
        /** The pool no longer runs tasks: it fails with the pool's failure or a cancellation. */
        POOL_STOPPED
    }

    static final CrashVerdict RETRY_ALONE = new CrashVerdict(Action.RETRY_ALONE, null);
    static final CrashVerdict REQUEUE = new CrashVerdict(Action.REQUEUE, null);

    static CrashVerdict fail(Reason reason) {
        return new CrashVerdict(Action.FAIL, reason);
    }

    /**
     * The verdict for one task.
     *
     * @param end how its process ended
     * @param crashes the deaths of type {@link End#CRASHED} this task has been in, this one
     *     included (the attempt number of the crash: 1 for the first)
     * @param ranAlone whether it was the only task in its process
     * @param poolOpen whether the pool still runs tasks again (running or closing; not killed or failed,
     *     nor in the grace of a {@link ProcessPool#shutdown}, which lets running tasks finish but retries none)
     */
    static CrashVerdict of(End end, int crashes, boolean ranAlone, boolean poolOpen) {
        return switch (end) {
            case CRASHED -> crashes >= 2 && ranAlone ? fail(Reason.CRASHED_TWICE)
                    : poolOpen ? RETRY_ALONE : fail(Reason.POOL_STOPPED);
            case TIMED_OUT -> fail(Reason.TIMED_OUT);
            case KILLED_FOR_ANOTHER -> poolOpen ? REQUEUE : fail(Reason.POOL_STOPPED);
            case SHUTDOWN -> fail(Reason.POOL_STOPPED);
        };
    }
}
