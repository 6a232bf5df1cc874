package dev.gpupool.cpu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fixed-size pool of worker JVM processes running a {@link WorkerHandler}, so that a crash in
 * native code (a decoder on a hostile file) kills one worker, not the caller.
 *
 * <p>{@link #start} launches all workers at once, in parallel, from this JVM's runtime and class
 * path, and returns without waiting for them; tasks submitted meanwhile queue. {@link
 * Options#workers(int)} tasks run at once, taken in submission order from one shared queue, on
 * worker processes of up to {@link Options#threadsPerProcess(int)} task threads each (default 1:
 * one process per task, the strictest isolation). Sharing a process saves a JVM start and a
 * JIT warm-up per thread, at the price of a crash taking the process's other tasks down with it:
 * those are retried, each alone in its process, so a death is still blamed on exactly one input.
 *
 * <h2>Outcomes of a task's future</h2>
 * <ul>
 * <li>the handler's response bytes;
 * <li>{@link WorkerTaskException}: the handler threw; the worker stays;
 * <li>{@link WorkerCrashedException}: a worker process died while running the task (crashed,
 *     exited, killed from outside) twice, the second time with the task alone in it (after a death
 *     the task goes back to the head of the queue, to run alone);
 * <li>{@link TimeoutException}: the task ran longer than its timeout, counted from when a worker
 *     took it; its worker is killed, the only way to stop a stuck native call, and replaced (the
 *     other tasks that process was running go back to the queue, not counted as crashes). A
 *     worker found stopped (SIGSTOP) at that moment is at fault instead: it is killed and all its
 *     tasks go back to the queue ({@link ProcessState});
 * <li>{@link CancellationException}: the future was cancelled, or {@link #closeNow()} was called;
 *     a {@link PoolStoppedException} with the reason when {@link #shutdown} stopped it;
 * <li>{@link WorkerStartException}: the pool failed (see there).
 * </ul>
 * Completing the future from outside ({@code cancel}, {@code complete}, {@code orTimeout}...) takes
 * a queued task off the queue, or kills and replaces the worker running it: there is no gentler way
 * to stop it, so {@code mayInterruptIfRunning} makes no difference (the other tasks that process was
 * running go back to the queue, not counted as crashes).
 *
 * <p>Workers run on the class path this JVM really loaded {@link WorkerMain}, the handler and their
 * dependencies from ({@link Options#classPath(List)}); where it cannot be rebuilt (a Spring Boot fat
 * jar), {@link #start} throws {@link WorkerStartException}, as {@link #workerClassPathProblem} foretells.
 *
 * <p>Start-up problems fail fast: until one worker has been ready, the second that fails to start
 * (exits, cannot be launched, or is not ready within the start timeout) fails the pool with a
 * {@link WorkerStartException} whose {@link WorkerStartException#noWorkerStarted()} is true and whose
 * message names the cause in one line ("Could not find or load main class ..."). A caller may then
 * run the work some other way ({@link #awaitStarted()} tells it before any task is submitted).
 *
 * <p>Dead workers are replaced at once, within a budget ({@link Options#maxRestarts(int)}).
 *
 * <p>Futures are completed on the pool's own threads: use the {@code *Async} variants for dependent
 * work that is not trivial. Closing the pool from such a callback is allowed; {@code close()} and
 * {@code closeNow()} then return at once and the pool finishes on its own threads. A request array
 * is written to the worker some time after {@code submit}: do not modify it until the future is
 * done. The queue is unbounded; callers bound the work in flight themselves.
 *
 * <p>Worker processes never outlive this JVM, however it dies ({@code kill -9} included): their
 * input ends, and they halt at once, even inside a native call ({@link Protocol}). They ignore
 * SIGINT, SIGTERM and SIGHUP (sent to a whole process group or service): the pool's owner decides
 * when they end, giving running tasks their grace with {@link #shutdown}.
 *
 * <p>Usage:
 * <pre>{@code
 * public final class Thumbnailer implements WorkerHandler {   // public, no-arg constructor
 *     public byte[] handle(byte[] image) throws Exception { return makeThumbnail(image); }
 * }
 *
 * try (ProcessPool pool = ProcessPool.start(ProcessPool.Options.of(Thumbnailer.class)
 *         .taskTimeout(Duration.ofSeconds(30)).jvmOptions("-Xmx512m").expectedTasks(images.size()))) {
 *     List<CompletableFuture<byte[]>> thumbs = images.stream().map(pool::submit).toList();
 *     for (CompletableFuture<byte[]> thumb : thumbs) {
 *         try {
 *             write(thumb.get());
 *         } catch (ExecutionException e) {
 *             report(e.getCause());       // WorkerTaskException, WorkerCrashedException, ...
 *         }
 *     }
 * }                                          // close(): waits for the rest, stops the workers
 * }</pre>
 *
 * <h2>Shape</h2>
 * The pool starts {@code ceil(workers / threadsPerProcess)} processes, but never more than {@link
 * Options#expectedTasks(int) the tasks it will get} need, than there are cores, or than available
 * memory holds at one worker's need (its {@code -Xmx}, else a base plus a share per thread); when
 * that runs fewer tasks at once than asked it logs one {@code WARNING} ({@link System.Logger}
 * {@code dev.gpupool.cpu.ProcessPool}).
 *
 * <p>This class is thread-safe.
 */
public final class ProcessPool implements AutoCloseable {
    /*
     * Implementation: the pool keeps the queue and the lifecycle; PoolShape sizes it, WorkerSlot
     * runs one process position (on its own thread, through a WorkerConnection whose reader thread
     * answers tasks), InFlight and CrashVerdict settle the tasks of a process that ended,
     * RestartBudget decides when failures fail the pool, Prestarter holds a process started early.
     *
     * The pool's state:
     *   RUNNING --close()-------------------------> CLOSING  (the queue drains, then the slots stop)
     *   RUNNING, CLOSING --shutdown(grace, why)---> CLOSING  (the queue fails at once with why;
     *                      after the grace, or once nothing runs ---> KILLED, running tasks fail with why)
     *   RUNNING, CLOSING --closeNow()-------------> KILLED   (queue cancelled, processes killed)
     *   RUNNING, CLOSING --fail(e): start-up problem, restart budget spent,
     *                      a slot thread's bug----> FAILED   (queued and later tasks fail with e)
     * FAILED and KILLED are final ("stopped"); submit queues only while RUNNING. A task's phase
     * (PoolTask) is QUEUED, RUNNING (in one slot's process) or DONE; a RUNNING task goes back to
     * the head of the queue when its process ends under it and its verdict says so.
     *
     * Guards: lock, the one monitor of the pool, guards queue, state, failure, stopReason, running,
     * stoppedSlots, the budget, every task's phase fields, and every slot's process fields and
     * in-flight tasks. All waits are on lock, and every change that may let a thread proceed
     * calls lock.notifyAll(). slots is filled by start() before any other thread sees the pool
     * and never changes after. Futures are completed outside the lock.
     */

    /** What {@link ProcessPool#start} needs; a mutable builder, copied by {@code start}. */
    public static final class Options extends PoolOptions {
        private Options(Class<? extends WorkerHandler> handler) {
            super(handler);
        }

        /** Options for workers running {@code handler}, which must be on this JVM's class path. */
        public static Options of(Class<? extends WorkerHandler> handler) {
            return new Options(handler);
        }
    }

    private static final System.Logger LOG = System.getLogger(ProcessPool.class.getName());

    /** Behind {@link #prestart}: the one process started ahead of the pool that adopts it. */
    private static final Prestarter PRESTARTER = new Prestarter();

    /**
     * Starts the first worker process of a pool with these options now, before the pool exists, so
     * that its start-up overlaps the caller's (a command line parsing its arguments). The next {@link
     * #start} with equal options (handler, JVM options, cache setting, threads of the first process)
     * adopts it; a pool with other options, or {@link #cancelPrestart()}, ends it. Unadopted, it exits
     * with this JVM. Never throws: a process that cannot start now is started later by the pool.
     */
    public static void prestart(Options options) {
        PRESTARTER.prestart(options);
    }

    /** The pid of the process {@link #prestart} started that no pool has adopted yet, or -1 (for tests). */
    static long prestartedPid() {
        return PRESTARTER.pid();
    }

    /** Ends the process {@link #prestart} started, if no pool adopted it (the job went elsewhere). */
    public static void cancelPrestart() {
        PRESTARTER.cancel();
    }

    private enum State { RUNNING, CLOSING, FAILED, KILLED }

    final Object lock = new Object();
    private final PoolShape shape;
    private final Duration taskTimeout;
    final Duration startTimeout;
    final WorkerLauncher launcher;
    final RestartBudget budget;       // guarded by lock, like the fields below
    private final List<WorkerSlot> slots = new ArrayList<>();
    final Deadlines deadlines = new Deadlines();
    private final AtomicLong ids = new AtomicLong();
    final Completions completions = new Completions("gpupool-pool-callbacks");

    // guarded by lock
    final ArrayDeque<PoolTask> queue = new ArrayDeque<>();
    private State state = State.RUNNING;
    private RuntimeException failure;
    private String stopReason; // set by shutdown(): what its tasks fail with
    int running;              // tasks taken by a slot and not yet settled (callbacks included)
    private int stoppedSlots;

    private ProcessPool(Options o, WorkerClassPath classPath, PoolShape shape) {
        this.shape = shape;
        this.taskTimeout = o.taskTimeout;
        this.startTimeout = o.startTimeout;
        this.budget = new RestartBudget(lock, this::fail, o.maxRestarts >= 0 ? o.maxRestarts : 2 * shape.workers() + 8);
        this.launcher = new WorkerLauncher(o.handler.getName(), classPath.classPath(), o.workerJvmOptions(shape), o.startupCache);
    }

    /**
     * Starts the pool: launches all worker processes in parallel and returns without waiting for
     * them (tasks queue until a worker is ready).
     *
     * @throws IllegalArgumentException if the handler class is not public, is abstract, or has no
     *     public no-argument constructor (checked here, so that it does not surface as a pool
     *     failure later)
     * @throws WorkerStartException (with {@link WorkerStartException#noWorkerStarted()} true) if no
     *     class path for workers can be built here: see {@link #workerClassPathProblem}
     */
    public static ProcessPool start(Options options) {
        return start(options, PoolShape.Machine.detect());
    }

    /** {@link #start(Options)} on a machine of these resources (tests pretend a small one). */
    static ProcessPool start(Options options, PoolShape.Machine machine) {
        options.checkHandler();
        WorkerClassPath classPath = options.workerClassPath();
        if (!classPath.usable()) {
            throw new WorkerStartException("worker processes cannot start here: " + classPath.problem(), true);
        }
        PoolShape shape = options.shape(machine);
        if (shape.reduced() != null) {
            LOG.log(System.Logger.Level.WARNING, "gpupool: " + shape.reduced());
        }
        ProcessPool pool = new ProcessPool(options, classPath, shape);
        pool.launcher.maintainCache();
        Prestarter.Prestarted prestarted = PRESTARTER.adopt(Prestarter.key(options, shape));
        for (int i = 0; i < shape.processes(); i++) {
            WorkerSlot slot = new WorkerSlot(pool, i, shape.lanes(i));
            if (i == 0 && prestarted != null) {
                slot.prestarted = prestarted;
                if (prestarted.trainingOutput() != null) pool.launcher.trainingClaimed();
            }
            pool.slots.add(slot);
        }
        pool.slots.forEach(WorkerSlot::start);
        return pool;
    }

    /**
     * Why worker processes with these options cannot start in this JVM, in one line, or null when a
     * class path for them can be built (they may still fail to start: {@link #awaitStarted()}).
     */
    public static String workerClassPathProblem(Options options) {
        return options.workerClassPath().problem();
    }

    /**
     * Waits until a worker process of this pool is ready (at most the start timeout, plus a retry's
     * worth), and returns; or throws the pool's failure if it failed first (a start-up failure is a
     * {@link WorkerStartException} whose {@link WorkerStartException#noWorkerStarted()} is true).
     * Returns at once if the pool was closed. A caller that would rather run its tasks some other
     * way than fail them calls this before submitting any.
     */
    public void awaitStarted() throws InterruptedException {
        synchronized (lock) {
            while (!budget.everReady() && !stopped() && stoppedSlots < slots.size()) {
                lock.wait();
            }
            if (!budget.everReady() && state == State.FAILED) {
                throw failure;
            }
        }
    }

    /** Submits a task with the pool's default timeout. See {@link #submit(byte[], Duration)}. */
    public CompletableFuture<byte[]> submit(byte[] request) {
        return submit(request, taskTimeout);
    }

    /**
     * Queues {@code request} for the next free worker. Its future completes on the pool's one
     * completion thread ({@link Completions}), in the order the answers came: a callback that waits for
     * another of this pool's futures (a {@code join} inside {@code thenApply}) would wait forever; chain
     * with {@code thenCompose}, or add the callback with an {@code ...Async} method.
     *
     * @param timeout how long the task may run once a worker has taken it; {@code null} for none
     * @return a future completed as described in the class documentation; if the pool has failed
     *     or was {@link #shutdown}, an already failed one
     * @throws RejectedExecutionException if {@link #close()} or {@link #closeNow()} was called
     */
    public CompletableFuture<byte[]> submit(byte[] request, Duration timeout) {
        Objects.requireNonNull(request, "request");
        PoolOptions.checkTimeout(timeout);
        PoolTask task = new PoolTask(ids.getAndIncrement(), request, timeout);
        synchronized (lock) {
            if (state == State.FAILED) {
                return CompletableFuture.failedFuture(failure);
            }
            if (stopReason != null) {
                return CompletableFuture.failedFuture(new PoolStoppedException(stopReason));
            }
            if (state != State.RUNNING) {
                throw new RejectedExecutionException("process pool is closed");
            }
            queue.addLast(task);
            lock.notifyAll();
        }
        // Whoever completes the future other than the pool (cancel, orTimeout...) no longer wants it.
        task.future.whenComplete((r, e) -> abandoned(task));
        return task.future;
    }

    /** The number of tasks run at once: as configured, or fewer where the machine or the work is smaller. */
    public int workers() {
        return shape.workers();
    }

    /** The number of worker processes: {@code ceil(workers / threadsPerProcess)}, or fewer (see the class documentation). */
    public int processes() {
        return slots.size();
    }

    /** For example {@code "2 worker processes"}, or {@code "1 worker process, 2 threads"} when processes are shared. */
    public String describe() {
        return shape.describe();
    }

    /**
     * What {@link #describe()} says of a pool with these options before it starts, on this machine
     * (its cores and available memory bound the processes; no expected task count, no JVM options).
     */
    public static String describe(int workers, int threadsPerProcess) {
        return PoolShape.of(workers, threadsPerProcess, 0, PoolShape.Machine.detect(),
                PoolShape.processNeed(List.of(), threadsPerProcess)).describe();
    }

    /** Process ids of the worker processes alive now (fewer than {@link #processes()} while some start or restart). */
    public List<Long> workerPids() {
        synchronized (lock) {
            return slots.stream().map(s -> s.process).filter(p -> p != null && p.isAlive()).map(Process::pid).toList();
        }
    }

    /**
     * Stops taking work, waits for queued and running tasks to finish, then ends the worker
     * processes and returns. Without task timeouts, a task stuck forever makes this wait forever;
     * if the calling thread is interrupted while waiting, this calls {@link #closeNow()} and returns
     * with the interrupt status set. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (state == State.RUNNING) {
                state = State.CLOSING;
            }
            lock.notifyAll();
        }
        if (onPoolThread()) {
            return; // a future's callback: waiting here would wait for this very thread; the slots finish alone
        }
        boolean interrupted = false;
        for (WorkerSlot s : slots) {
            while (true) {
                try {
                    s.thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    closeNow();
                }
            }
        }
        finish();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Fails queued and running tasks with {@link CancellationException}, kills the worker processes
     * and returns within a few seconds. Idempotent; later {@code close()} calls return at once.
     */
    public void closeNow() {
        stop(State.KILLED, null);
        if (onPoolThread()) {
            return; // a future's callback: the slots finish alone, the processes are already killed
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (WorkerSlot s : slots) {
            try {
                // Killed processes answer EOF at once; bounded regardless, finish() kills leftovers.
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    s.thread.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        finish();
    }

    /**
     * Stops within {@code grace}, as a signal asks: fails queued (and later) tasks at once, lets
     * running ones finish for up to the grace, then kills their processes (not a crash: nothing is
     * retried or restarted; their temporaries are deleted); each task it stops fails with a {@link
     * PoolStoppedException} saying {@code reason}. Returns once the workers are gone, a few seconds
     * after the grace at most (at once from a future's callback). Idempotent; close() then returns at once.
     */
    public void shutdown(Duration grace, String reason) {
        Objects.requireNonNull(reason, "reason");
        long end = System.nanoTime() + grace.toNanos();
        List<PoolTask> dropped;
        synchronized (lock) {
            if (stopped()) {
                return;
            }
            if (stopReason == null) stopReason = reason;
            state = State.CLOSING;
            dropped = drainQueue();
        }
        for (PoolTask t : dropped) {
            t.future.completeExceptionally(new PoolStoppedException(stopReason));
        }
        if (onPoolThread()) {
            deadlines.schedule(this::closeNow, grace); // the grace runs out on the timer thread
            return;
        }
        try {
            synchronized (lock) {
                for (long left; running > 0 && !stopped() && (left = end - System.nanoTime()) > 0; ) TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop waiting: what still runs is killed now
        }
        closeNow();
    }

    /** Whether the caller is one of the pool's own threads (a slot's, a reader's, or the one completing futures). */
    private boolean onPoolThread() {
        if (completions.isCurrentThread()) return true;
        Thread me = Thread.currentThread();
        for (WorkerSlot s : slots) {
            if (s.thread == me || s.reader == me) return true;
        }
        return false;
    }

    /** Idempotent. Called by close() and closeNow(), and by the last slot to stop. */
    private void finish() {
        synchronized (lock) { // normally nothing left; ensures no process survives a slot that did not stop in time
            slots.stream().map(s -> s.process).filter(Objects::nonNull).forEach(Process::destroyForcibly);
        }
        deadlines.shutdown();
    }

    private void abandoned(PoolTask task) {
        synchronized (lock) {
            switch (task.phase) {
                case QUEUED -> {
                    queue.remove(task);
                    task.finish();
                }
                case RUNNING -> task.slot.kill(WorkerSlot.Kill.CANCELLED, task);
                case DONE -> { }
            }
        }
    }

    /** Fails the pool: every queued, running and later task fails with {@code e}. */
    void fail(RuntimeException e) {
        stop(State.FAILED, e);
    }

    /**
     * Stops the pool for good, unless it has stopped already: {@code to} is KILLED ({@code e} null:
     * tasks are cancelled) or FAILED (they fail with {@code e}). Empties the queue, kills the processes.
     */
    private void stop(State to, RuntimeException e) {
        List<PoolTask> dropped;
        synchronized (lock) {
            if (stopped()) {
                return;
            }
            state = to;
            failure = e;
            dropped = drainQueue();
            slots.forEach(s -> s.kill(WorkerSlot.Kill.SHUTDOWN, null));
        }
        for (PoolTask t : dropped) {
            t.future.completeExceptionally(e != null ? e : cancelled());
        }
    }

    /** Caller holds lock. Empties the queue: its tasks are done, and the caller fails them outside the lock. */
    private List<PoolTask> drainQueue() {
        List<PoolTask> dropped = new ArrayList<>(queue);
        queue.clear();
        dropped.forEach(PoolTask::finish);
        lock.notifyAll();
        return dropped;
    }

    /** Caller holds lock. What a task that can no longer run fails with. */
    RuntimeException terminalFailure() {
        return state == State.FAILED ? failure : cancelled();
    }

    /** Caller holds lock, or it is past the change of state. What a stopped pool's tasks fail with, when it did not fail. */
    private CancellationException cancelled() {
        return stopReason != null ? new PoolStoppedException(stopReason) : new CancellationException("process pool closed");
    }

    /** Caller holds lock. Whether a task whose process died may run again: not once stopped, nor in a signal's grace. */
    boolean retries() {
        return !stopped() && stopReason == null;
    }

    /** Caller holds lock. Whether the pool runs no more tasks: FAILED or KILLED. */
    boolean stopped() {
        return state == State.FAILED || state == State.KILLED;
    }

    /** Caller holds lock. Closing, with nothing queued or running: the slots may stop. */
    boolean idleAndClosing() {
        return state == State.CLOSING && queue.isEmpty() && running == 0;
    }

    /** A slot's thread ends; the last one finishes the pool (when close() was called from a callback, nobody else will). */
    void slotStopped() {
        boolean last;
        synchronized (lock) {
            last = ++stoppedSlots == slots.size();
        }
        if (last) finish();
    }
}
