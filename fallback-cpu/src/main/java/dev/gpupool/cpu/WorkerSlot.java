package dev.gpupool.cpu;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;

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

    /** Why the pool killed a process. */
    enum Kill { TIMEOUT, CANCELLED, SHUTDOWN }

    private final ProcessPool pool;
    private final Object lock;
    final int index;
    final int lanes;
    Thread thread;
    volatile Thread reader; // the reader of the current process
    // guarded by lock
    Process process;
    private final Map<Long, PoolTask> inFlight = new HashMap<>();
    private boolean ended;    // the reader saw the end of this process's output
    private boolean stopping; // its input was closed to make it exit
    private Kill killReason;
    private PoolTask killTarget; // the task a TIMEOUT or CANCELLED kill was for
    // used by this slot's thread only
    Prestarter.Prestarted prestarted; // its first process, already started by a prestarter, or null
    private WorkerConnection conn;

    WorkerSlot(ProcessPool pool, int index, int lanes) {
        this.pool = pool;
        this.lock = pool.lock;
        this.index = index;
        this.lanes = lanes;
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
            List<PoolTask> orphans;
            synchronized (lock) {
                orphans = new ArrayList<>(inFlight.values());
                inFlight.clear();
                for (PoolTask o : orphans) {
                    o.finish();
                    pool.running--;
                }
                lock.notifyAll();
            }
            orphans.forEach(o -> o.future.completeExceptionally(failure));
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
            Path training;
            synchronized (lock) {
                if (pool.stopped() || pool.idleAndClosing()) {
                    return false;
                }
                training = pool.trainingOutput();
            }
            try {
                conn = WorkerConnection.launch(pool.launcher, training, lanes);
            } catch (IOException | RuntimeException e) {
                pool.startFailed("cannot launch a worker JVM: " + oneLine(e));
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
        ScheduledFuture<?> startTimer = pool.schedule(() -> {
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
            pool.startFailed(reason == Kill.TIMEOUT
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
            pool.handlerCannotStart(Protocol.utf8(hello.payload()));
            return false;
        }
        conn.stderr.ready();
        pool.ready();
        reader = conn.startReader("gpupool-worker-" + index + "-reader", new Reader(p));
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
                } else if (canTake() && process.isAlive()) { // a death while idle is no task's fault
                    PoolTask t = pool.queue.pollFirst();
                    t.run(this);
                    inFlight.put(t.id, t);
                    pool.running++;
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

    /** Caller holds lock. Whether the queue's head may start in this process now. */
    private boolean canTake() {
        PoolTask head = pool.queue.peekFirst();
        if (head == null || inFlight.size() >= lanes) {
            return false;
        }
        // A task suspected of a crash runs alone, so that a second death is blamed on it alone.
        return inFlight.isEmpty() || (!head.alone && inFlight.values().stream().noneMatch(t -> t.alone));
    }

    private void send(PoolTask task) {
        if (task.timeout != null) {
            ScheduledFuture<?> deadline = pool.schedule(() -> {
                synchronized (lock) {
                    if (task.slot == this) {
                        kill(Kill.TIMEOUT, task);
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
            PoolTask task;
            synchronized (lock) {
                task = r.status() == Protocol.OK || r.status() == Protocol.ERROR ? inFlight.remove(r.id()) : null;
                if (task == null) {
                    throw new Protocol.ProtocolException("unexpected response id " + r.id() + " status " + r.status());
                }
                pool.consecutiveFailures = 0;
                task.finish();
            }
            try {
                if (r.status() == Protocol.OK) {
                    task.future.complete(r.payload());
                } else {
                    String text = Protocol.utf8(r.payload());
                    int nl = text.indexOf('\n');
                    task.future.completeExceptionally(nl < 0
                            ? new WorkerTaskException(text, text)
                            : new WorkerTaskException(text.substring(0, nl), text.substring(nl + 1)));
                }
            } finally {
                // Counted as running until its callbacks are done, so close() returns after them.
                synchronized (lock) {
                    pool.running--;
                    lock.notifyAll();
                }
            }
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

    /**
     * The process's output has ended: settles each task it was running by its {@link
     * CrashVerdict}. Freeing and requeueing happen at once, so that no other slot sees an empty
     * queue in between and stops while these tasks still need running.
     */
    private void processEnded() {
        int exit = conn.reap();
        conn.discardTraining();
        Kill reason;
        List<PoolTask> victims;
        List<PoolTask> failed = new ArrayList<>();
        List<Throwable> outcomes = new ArrayList<>();
        synchronized (lock) {
            PoolTask target = killTarget;
            reason = forget();
            victims = new ArrayList<>(inFlight.values());
            victims.sort(Comparator.comparingLong(t -> t.id));
            inFlight.clear();
            boolean open = !pool.stopped();
            List<PoolTask> retry = new ArrayList<>();
            for (PoolTask t : victims) {
                pool.running--;
                if (t.future.isDone()) {
                    t.finish(); // completed from outside (cancelled): nothing left to say
                    continue;
                }
                CrashVerdict.End end = reason == null ? CrashVerdict.End.CRASHED
                        : reason == Kill.SHUTDOWN ? CrashVerdict.End.SHUTDOWN
                        : t == target && reason == Kill.TIMEOUT ? CrashVerdict.End.TIMED_OUT
                        : CrashVerdict.End.KILLED_FOR_ANOTHER;
                if (end == CrashVerdict.End.CRASHED) t.crashes++;
                CrashVerdict v = CrashVerdict.of(end, t.crashes, victims.size() == 1, open);
                switch (v.action()) {
                    case RETRY_ALONE -> {
                        t.alone = true;
                        t.requeue();
                        retry.add(t);
                    }
                    case REQUEUE -> {
                        t.requeue(); // killed for another task's sake: not its fault
                        retry.add(t);
                    }
                    case FAIL -> {
                        t.finish();
                        failed.add(t);
                        outcomes.add(switch (v.reason()) {
                            case CRASHED_TWICE -> new WorkerCrashedException(
                                    "worker process crashed twice on this input (exit code " + exit + ")", exit);
                            case TIMED_OUT -> new TimeoutException("task ran longer than " + t.timeout
                                    + "; its worker process was killed");
                            case POOL_STOPPED -> pool.terminalFailure();
                        });
                    }
                }
            }
            for (int i = retry.size() - 1; i >= 0; i--) {
                pool.queue.addFirst(retry.get(i)); // next, on whichever process is free first
            }
            lock.notifyAll();
        }
        for (int i = 0; i < failed.size(); i++) {
            failed.get(i).future.completeExceptionally(outcomes.get(i));
        }
        if (reason == null) {
            pool.workerFailed("worker exited with code " + exit + (victims.isEmpty() ? " while idle"
                    : victims.size() == 1 ? " while running a task" : " while running " + victims.size() + " tasks"));
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

    /** Ends this slot's process: end of input asks it to exit (and a training worker to write the AOT cache). */
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
