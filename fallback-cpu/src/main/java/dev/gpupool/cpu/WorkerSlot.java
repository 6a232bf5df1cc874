package dev.gpupool.cpu;

import java.io.IOException;
import java.util.concurrent.ScheduledFuture;

/**
 * One worker process position of a {@link ProcessPool}: owns at most one {@link WorkerConnection}
 * at a time, which runs up to {@code lanes} of the pool's tasks at once. Its own thread starts the
 * process, takes tasks from the pool's queue and writes them, and settles the tasks of a process
 * that ended ({@link CrashVerdict}); the connection's reader thread completes answered tasks.
 *
 * <p>A slot's process: none, then started (prestarted or launched), ready after the handshake,
 * ended once its output ends (died, or killed with a {@link Kill} reason), then none again and
 * restarted while the pool runs. All fields marked so are guarded by the pool's lock.
 */
final class WorkerSlot implements Runnable {

    /**
     * Why the pool killed a process. STOPPED: it was stopped from outside (SIGSTOP) with tasks in
     * it ({@link #watchStopped}, or a task's time limit passed meanwhile): the process is at fault,
     * not its tasks, which run elsewhere.
     */
    enum Kill { TIMEOUT, STOPPED, CANCELLED, SHUTDOWN }

    private final ProcessPool pool;
    private final Object lock;
    final int index;
    final int lanes;
    Thread thread;
    volatile Thread reader; // the reader of the current process
    private final InFlight inFlight;
    // guarded by lock
    Process process;
    private boolean ended;    // the reader saw the end of this process's output
    private boolean stopping; // its input was closed to make it exit
    private Kill killReason;
    private PoolTask killTarget; // the task a TIMEOUT or CANCELLED kill was for
    private int stoppedChecks;   // consecutive checks that found the process stopped with tasks in it
    // used by this slot's thread only
    Prestarter.Prestarted prestarted; // its first process, already started by a prestarter, or null
    private WorkerConnection conn;

    WorkerSlot(ProcessPool pool, int index, int lanes) {
        this.pool = pool;
        this.lock = pool.lock;
        this.index = index;
        this.lanes = lanes;
        this.inFlight = new InFlight(pool);
    }

    /** Starts this slot's thread. */
    void start() {
        // Platform threads: a process pipe is blocking file I/O that would pin a virtual
        // thread's carrier anyway, there are two per process, and named threads read well in
        // thread dumps. Daemon: they must never keep the JVM alive.
        Thread t = new Thread(this, "gpupool-worker-" + index);
        t.setDaemon(true);
        thread = t;
        t.start();
        pool.deadlines.every(this::watchStopped, STOPPED_CHECK);
    }

    /** How often a process with tasks is checked for being stopped, and how many checks in a row kill it. */
    static final java.time.Duration STOPPED_CHECK = java.time.Duration.ofSeconds(1);
    static final int STOPPED_CHECKS = 3;

    /**
     * A process stopped from outside (SIGSTOP) holds its tasks without a word: found stopped with
     * tasks in it at {@link #STOPPED_CHECKS} checks in a row (two seconds and more; a Ctrl-Z that
     * stops this JVM too is resumed with it, and never seen so often), it is killed and its tasks
     * run elsewhere at once, instead of at their time limits, which may be minutes away or none.
     */
    private void watchStopped() {
        synchronized (lock) {
            if (process == null || inFlight.isEmpty() || killReason != null || !ProcessState.stopped(process.pid())) {
                stoppedChecks = 0;
            } else if (++stoppedChecks >= STOPPED_CHECKS) {
                stoppedChecks = 0;
                kill(Kill.STOPPED, null);
            }
        }
    }

    /**
     * Caller holds lock. The first reason given wins: the process is going either way. A process
     * whose output has already ended died by itself: a kill now must not pass for the cause.
     */
    void kill(Kill reason, PoolTask target) {
        if (process != null && killReason == null && !ended) {
            killReason = reason;
            killTarget = target;
            process.destroyForcibly();
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                if (process == null && !startWorker()) {
                    synchronized (lock) {
                        if (pool.stopped() || pool.idleAndClosing()) {
                            return;
                        }
                    }
                    continue;
                }
                PoolTask task = next();
                if (task == null) {
                    return;
                }
                if (task == PoolTask.ENDED) {
                    processEnded();
                    continue;
                }
                send(task);
            }
        } catch (Throwable t) {
            // A bug here must not leave futures hanging forever.
            RuntimeException failure = new WorkerStartException("process pool worker thread failed: " + t, t);
            pool.fail(failure);
            inFlight.orphan(failure);
            throw t;
        } finally {
            stopProcess();
            pool.slotStopped();
        }
    }

    private boolean startWorker() {
        if (prestarted != null) {
            conn = new WorkerConnection(prestarted.started(), prestarted.trainingOutput());
            prestarted = null;
        } else {
            synchronized (lock) {
                if (pool.stopped() || pool.idleAndClosing()) {
                    return false;
                }
            }
            try {
                conn = WorkerConnection.launch(pool.launcher, pool.launcher.claimTraining(), lanes);
            } catch (IOException | RuntimeException e) {
                pool.budget.startFailed("cannot launch a worker JVM: " + oneLine(e));
                return false;
            }
        }
        Process p = conn.process;
        synchronized (lock) {
            process = p;
            killReason = null;
            if (pool.stopped()) {
                killReason = Kill.SHUTDOWN;
                p.destroyForcibly();
            }
        }
        ScheduledFuture<?> startTimer = pool.deadlines.schedule(() -> {
            synchronized (lock) {
                if (process == p) {
                    kill(Kill.TIMEOUT, null);
                }
            }
        }, pool.startTimeout);
        Protocol.Response hello;
        try {
            hello = conn.handshake();
        } catch (IOException e) {
            if (startTimer != null) startTimer.cancel(false);
            int exit = conn.reap();
            Kill reason = discardProcess();
            if (reason == Kill.SHUTDOWN) {
                return false;
            }
            String printed = reason == Kill.TIMEOUT ? null : conn.stderr.reason();
            pool.budget.startFailed(reason == Kill.TIMEOUT
                    ? "worker did not start within " + pool.startTimeout
                    : "worker exited with code " + exit + " before it was ready"
                            + (e instanceof Protocol.ProtocolException ? " (" + e.getMessage() + ")" : "")
                            + (printed != null ? ": " + printed : ""));
            return false;
        }
        if (startTimer != null) startTimer.cancel(false);
        if (hello.status() == Protocol.FATAL) {
            conn.reap();
            discardProcess();
            pool.budget.handlerCannotStart(Protocol.utf8(hello.payload()));
            return false;
        }
        conn.stderr.ready();
        pool.budget.ready();
        Thread r = conn.reader("gpupool-worker-" + index + "-reader", new Reader(p));
        reader = r; // before it runs: a callback on it that closes the pool must know it is the pool's
        r.start();
        return true;
    }

    /**
     * The next task to send to this process, {@link PoolTask#ENDED} once the process's output has
     * ended (its tasks must be dealt with first), or null when this slot is done.
     */
    private PoolTask next() {
        synchronized (lock) {
            while (true) {
                if (ended) {
                    return PoolTask.ENDED;
                }
                if (pool.stopped()) {
                    if (inFlight.isEmpty()) {
                        return null;
                    }
                } else if (inFlight.canTake(pool.queue.peekFirst(), lanes) && process.isAlive()) {
                    // (a death while idle is no task's fault)
                    PoolTask t = pool.queue.pollFirst();
                    inFlight.take(t, this);
                    return t;
                } else if (pool.idleAndClosing()) {
                    lock.notifyAll(); // let the other idle slots see it too
                    return null;
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    return null; // nobody interrupts these threads but the JVM going down
                }
            }
        }
    }

    private void send(PoolTask task) {
        if (task.timeout != null) {
            ScheduledFuture<?> deadline = pool.deadlines.schedule(() -> {
                synchronized (lock) {
                    if (task.slot == this && process != null) {
                        kill(ProcessState.stopped(process.pid()) ? Kill.STOPPED : Kill.TIMEOUT, task);
                    }
                }
            }, task.timeout);
            synchronized (lock) {
                if (task.slot == this) task.deadline = deadline;
                else if (deadline != null) deadline.cancel(false); // answered already
            }
        }
        try {
            conn.send(task.id, task.request);
        } catch (IOException e) {
            // Its input is broken, so the process is dead or dying: make sure it is, and its
            // reader reports the end like any other.
            synchronized (lock) {
                if (process != null) process.destroyForcibly();
            }
        }
    }

    /** The reader thread's view of this slot, for process {@code p}. */
    private final class Reader implements WorkerConnection.Listener {
        private final Process p;

        Reader(Process p) {
            this.p = p;
        }

        @Override
        public void answered(Protocol.Response r) throws Protocol.ProtocolException {
            inFlight.answered(r);
        }

        @Override
        public boolean exiting() {
            synchronized (lock) {
                return stopping && process == p;
            }
        }

        @Override
        public void ended() {
            synchronized (lock) {
                if (process == p) {
                    ended = true;
                    lock.notifyAll();
                }
            }
        }
    }

    /** The process's output has ended: settles its tasks ({@link InFlight#settle}) and forgets it. */
    private void processEnded() {
        int exit = conn.reap();
        conn.discardTraining();
        Kill reason;
        PoolTask target;
        synchronized (lock) {
            target = killTarget;
            reason = forget();
        }
        int victims = inFlight.settle(exit, reason, target);
        if (reason == Kill.STOPPED) {
            pool.budget.died("worker process was stopped from outside (SIGSTOP) with tasks in it; killed, "
                    + "its " + (victims == 1 ? "task runs" : victims + " tasks run") + " elsewhere");
        } else if (reason == null) {
            pool.budget.died("worker exited with code " + exit + (victims == 0 ? " while idle"
                    : victims == 1 ? " while running a task" : " while running " + victims + " tasks"));
        }
    }

    /** Forgets the (dead) process; returns why it was killed, or null if nobody here killed it. */
    private Kill discardProcess() {
        conn.discardTraining();
        synchronized (lock) {
            return forget();
        }
    }

    /** Caller holds lock. Clears the process's fields; returns why it was killed, or null. */
    private Kill forget() {
        Kill reason = killReason;
        process = null;
        killReason = null;
        killTarget = null;
        ended = false;
        stopping = false;
        return reason;
    }

    /** Ends this slot's process: an exit request asks it to exit (and a training worker to write the AOT cache). */
    private void stopProcess() {
        synchronized (lock) {
            if (process == null) {
                return;
            }
            stopping = true;
        }
        conn.stop(pool.launcher);
        synchronized (lock) {
            process = null;
            stopping = false;
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (m == null || m.isBlank() ? e.getClass().getName() : m.strip().replaceAll("\\s*\\R\\s*", " "));
    }
}
