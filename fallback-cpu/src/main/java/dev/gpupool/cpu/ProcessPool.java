package dev.gpupool.cpu;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fixed-size pool of worker JVM processes running a {@link WorkerHandler}, so that a crash in
 * native code (a decoder on a hostile file) kills one worker, not the caller.
 *
 * <p>{@link #start} launches all workers at once, in parallel, from this JVM's runtime and class
 * path, and returns without waiting for them; tasks submitted meanwhile queue. Each worker runs one
 * task at a time, taken in submission order from one shared queue, so a death is always blamed on
 * exactly one input.
 *
 * <h2>Outcomes of a task's future</h2>
 * <ul>
 * <li>the handler's response bytes;
 * <li>{@link WorkerTaskException}: the handler threw; the worker stays;
 * <li>{@link WorkerCrashedException}: a worker process died while running the task (it crashed,
 *     exited, or was killed from outside) on two attempts; after the first death the task goes
 *     back to the head of the queue and runs on another process;
 * <li>{@link TimeoutException}: the task ran longer than its timeout, measured from when a worker
 *     took it (queueing time excluded); its worker is killed, since that is the only way to stop a
 *     stuck native call, and replaced;
 * <li>{@link CancellationException}: the future was cancelled, or {@link #closeNow()} was called;
 * <li>{@link WorkerStartException}: the pool failed (see there).
 * </ul>
 * Completing the future from outside ({@code cancel}, {@code complete}, {@code orTimeout}...) takes
 * a queued task off the queue, or kills and replaces the worker running it: there is no gentler way
 * to stop it, so {@code mayInterruptIfRunning} makes no difference.
 *
 * <p>Dead workers are replaced at once. Workers that fail to start, or die, more than
 * {@link Options#maxRestarts(int)} times in a row with no task completing in between fail the pool
 * (a machine that cannot start JVMs, a handler that crashes on everything) instead of looping.
 * Deliberate kills (timeouts, cancellation) do not count.
 *
 * <p>Futures are completed on the pool's reader threads, one per worker: use the {@code *Async}
 * variants for dependent work that is not trivial, or that worker waits (closing the pool from
 * such a callback is allowed). A request array is written
 * to the worker some time after {@code submit}: do not modify it until the future is done. The
 * queue is unbounded; callers bound the work in flight themselves.
 *
 * <p>Worker processes never outlive this JVM: they exit at the end of their input, which the
 * operating system closes when this JVM dies however it dies, and a shutdown hook kills them on a
 * normal exit in case one is stuck in native code.
 *
 * <p>Usage:
 * <pre>{@code
 * public final class Thumbnailer implements WorkerHandler {   // public, no-arg constructor
 *     public byte[] handle(byte[] image) throws Exception { return makeThumbnail(image); }
 * }
 *
 * try (ProcessPool pool = ProcessPool.start(ProcessPool.Options.of(Thumbnailer.class)
 *         .taskTimeout(Duration.ofSeconds(30))
 *         .jvmOptions("-Xmx512m"))) {
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
 * <p>This class is thread-safe.
 */
public final class ProcessPool implements AutoCloseable {

    /** What {@link ProcessPool#start} needs; a mutable builder, copied by {@code start}. */
    public static final class Options {
        private final Class<? extends WorkerHandler> handler;
        private int workers = Runtime.getRuntime().availableProcessors();
        private List<String> jvmOptions = List.of();
        private Duration taskTimeout;
        private Duration startTimeout = Duration.ofSeconds(60);
        private int maxRestarts = -1;
        private boolean startupCache = true;

        private Options(Class<? extends WorkerHandler> handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /** Options for workers running {@code handler}, which must be on this JVM's class path. */
        public static Options of(Class<? extends WorkerHandler> handler) {
            return new Options(handler);
        }

        /** Number of worker processes, at least 1; default: available processors. */
        public Options workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1: " + workers);
            }
            this.workers = workers;
            return this;
        }

        /** Extra JVM options for the workers, after the pool's own (for example {@code -Xmx512m}). */
        public Options jvmOptions(String... options) {
            return jvmOptions(List.of(options));
        }

        /** Extra JVM options for the workers, after the pool's own (for example {@code -Xmx512m}). */
        public Options jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /** Default time a task may run in its worker; {@code null} (the default) for no limit. */
        public Options taskTimeout(Duration timeout) {
            this.taskTimeout = checkTimeout(timeout);
            return this;
        }

        /** Time a worker may take from launch to ready before it is killed; default 60 s. */
        public Options startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(checkTimeout(timeout), "startTimeout");
            return this;
        }

        /**
         * Unexpected worker deaths (start failures and crashes, not kills for timeouts or
         * cancellation) allowed in a row, with no task completing in between, before the pool
         * fails; default {@code 2 * workers + 8}.
         */
        public Options maxRestarts(int maxRestarts) {
            if (maxRestarts < 0) {
                throw new IllegalArgumentException("maxRestarts must be >= 0: " + maxRestarts);
            }
            this.maxRestarts = maxRestarts;
            return this;
        }

        /**
         * Whether workers start from a JDK AOT cache (JEP 483/514: classes loaded and linked, method
         * profiles) to start about twice as fast; default true. The first pool to run with a given
         * runtime, class path (jars and their sizes and times) and JVM options lets one worker
         * record its run and write the cache, at its normal exit, into {@code $XDG_CACHE_HOME/gpupool},
         * {@code ~/.cache/gpupool} or the temp directory, whichever is writable; later workers map
         * it. Never fails the pool: with a directory on the class path (AOT caches cover jars only)
         * or no writable cache directory, workers start without.
         */
        public Options startupCache(boolean startupCache) {
            this.startupCache = startupCache;
            return this;
        }

        private static Duration checkTimeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            return timeout;
        }
    }

    private enum State { RUNNING, CLOSING, FAILED, KILLED }

    private enum Kill { TIMEOUT, CANCELLED, SHUTDOWN }

    private static final class Task {
        final long id;
        final byte[] request;
        final Duration timeout;
        final CompletableFuture<byte[]> future = new CompletableFuture<>();
        // guarded by the pool's lock
        boolean queued;
        Slot slot;      // non-null while running
        boolean done;
        int crashes;

        Task(long id, byte[] request, Duration timeout) {
            this.id = id;
            this.request = request;
            this.timeout = timeout;
        }
    }

    /** Marker returned by {@code Slot.take()}: its process died while it had no task. */
    private static final Task DIED_IDLE = new Task(-2, new byte[0], null);

    private final Object lock = new Object();
    private final int workers;
    private final Duration taskTimeout;
    private final Duration startTimeout;
    private final int maxRestarts;
    private final WorkerLauncher launcher;
    private final List<Slot> slots = new ArrayList<>();
    private final ScheduledThreadPoolExecutor timer;
    private final Thread shutdownHook;
    private final AtomicLong ids = new AtomicLong();

    // guarded by lock
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private State state = State.RUNNING;
    private RuntimeException failure;
    private int running;
    private int consecutiveFailures;
    private boolean trainingStarted;

    private ProcessPool(Options o) {
        this.workers = o.workers;
        this.taskTimeout = o.taskTimeout;
        this.startTimeout = o.startTimeout;
        this.maxRestarts = o.maxRestarts >= 0 ? o.maxRestarts : 2 * o.workers + 8;
        this.launcher = new WorkerLauncher(o.handler.getName(), o.jvmOptions, o.startupCache);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gpupool-process-pool-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // cancelled task timeouts must not pile up
        this.shutdownHook = new Thread(this::destroyAll, "gpupool-process-pool-shutdown");
    }

    /**
     * Starts the pool: launches all worker processes in parallel and returns without waiting for
     * them (tasks queue until a worker is ready).
     *
     * @throws IllegalArgumentException if the handler class is not public, is abstract, or has no
     *     public no-argument constructor (checked here, so that it does not surface as a pool
     *     failure later)
     */
    public static ProcessPool start(Options options) {
        Class<? extends WorkerHandler> h = options.handler;
        if (!Modifier.isPublic(h.getModifiers()) || Modifier.isAbstract(h.getModifiers())
                || (h.getEnclosingClass() != null && !Modifier.isStatic(h.getModifiers()))) {
            throw new IllegalArgumentException("handler must be a public, concrete, top-level or static class: " + h.getName());
        }
        try {
            h.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("handler has no public no-arg constructor: " + h.getName());
        }
        ProcessPool pool = new ProcessPool(options);
        Runtime.getRuntime().addShutdownHook(pool.shutdownHook);
        for (int i = 0; i < pool.workers; i++) {
            Slot slot = pool.new Slot(i);
            pool.slots.add(slot);
            // Platform threads: a read from a process pipe is blocking file I/O that would pin a
            // virtual thread's carrier anyway, there are only `workers` of them, and named threads
            // read well in thread dumps. Daemon: they must never keep the JVM alive.
            Thread t = new Thread(slot, "gpupool-worker-" + i);
            t.setDaemon(true);
            slot.thread = t;
            t.start();
        }
        return pool;
    }

    /** Submits a task with the pool's default timeout. See {@link #submit(byte[], Duration)}. */
    public CompletableFuture<byte[]> submit(byte[] request) {
        return submit(request, taskTimeout);
    }

    /**
     * Queues {@code request} for the next free worker.
     *
     * @param timeout how long the task may run once a worker has taken it; {@code null} for none
     * @return a future completed as described in the class documentation; if the pool has failed,
     *     an already failed one
     * @throws RejectedExecutionException if {@link #close()} or {@link #closeNow()} was called
     */
    public CompletableFuture<byte[]> submit(byte[] request, Duration timeout) {
        Objects.requireNonNull(request, "request");
        Options.checkTimeout(timeout);
        Task task = new Task(ids.getAndIncrement(), request, timeout);
        synchronized (lock) {
            if (state == State.FAILED) {
                return CompletableFuture.failedFuture(failure);
            }
            if (state != State.RUNNING) {
                throw new RejectedExecutionException("process pool is closed");
            }
            task.queued = true;
            queue.addLast(task);
            lock.notifyAll();
        }
        // Whoever completes the future other than the pool (cancel, orTimeout...) no longer wants it.
        task.future.whenComplete((r, e) -> abandoned(task));
        return task.future;
    }

    /** The configured number of worker processes. */
    public int workers() {
        return workers;
    }

    /** For example {@code "2 worker processes"}. */
    public String describe() {
        return workers + (workers == 1 ? " worker process" : " worker processes");
    }

    /** Process ids of the worker processes alive now (fewer than {@link #workers()} while some start or restart). */
    public List<Long> workerPids() {
        List<Long> pids = new ArrayList<>();
        synchronized (lock) {
            for (Slot s : slots) {
                if (s.process != null && s.process.isAlive()) {
                    pids.add(s.process.pid());
                }
            }
        }
        return pids;
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
        boolean interrupted = false;
        for (Slot s : slots) {
            // Called from a future's callback on a reader thread: that thread exits after it returns.
            while (s.thread != Thread.currentThread()) {
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
        List<Task> dropped;
        synchronized (lock) {
            if (state == State.RUNNING || state == State.CLOSING) {
                state = State.KILLED;
            }
            dropped = drainQueue();
            for (Slot s : slots) {
                s.kill(Kill.SHUTDOWN);
            }
            lock.notifyAll();
        }
        for (Task t : dropped) {
            t.future.completeExceptionally(new CancellationException("process pool closed"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Slot s : slots) {
            try {
                // Killed processes answer EOF at once; bounded regardless, finish() kills leftovers.
                long left = deadline - System.nanoTime();
                if (left > 0 && s.thread != Thread.currentThread()) {
                    s.thread.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        finish();
    }

    private void finish() {
        destroyAll(); // normally nothing left; ensures no process survives a slot that did not stop in time
        timer.shutdownNow();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }

    private void destroyAll() {
        synchronized (lock) {
            for (Slot s : slots) {
                if (s.process != null) {
                    s.process.destroyForcibly();
                }
            }
        }
    }

    /** Caller holds lock. Marks queued tasks done and returns them, to be completed outside the lock. */
    private List<Task> drainQueue() {
        List<Task> drained = new ArrayList<>(queue);
        queue.clear();
        for (Task t : drained) {
            t.queued = false;
            t.done = true;
        }
        return drained;
    }

    private void abandoned(Task task) {
        synchronized (lock) {
            if (task.done) {
                return;
            }
            if (task.queued) {
                queue.remove(task);
                task.queued = false;
                task.done = true;
            } else if (task.slot != null) {
                task.slot.kill(Kill.CANCELLED);
            }
        }
    }

    /** Fails the pool: every queued, running and later task fails with {@code e}. */
    private void fail(RuntimeException e) {
        List<Task> dropped;
        synchronized (lock) {
            if (state == State.FAILED || state == State.KILLED) {
                return;
            }
            state = State.FAILED;
            failure = e;
            dropped = drainQueue();
            for (Slot s : slots) {
                s.kill(Kill.SHUTDOWN);
            }
            lock.notifyAll();
        }
        for (Task t : dropped) {
            t.future.completeExceptionally(e);
        }
    }

    /** An unexpected worker death; fails the pool once the restart budget is spent. */
    private void workerFailed(String reason) {
        int n;
        synchronized (lock) {
            n = ++consecutiveFailures;
        }
        if (n > maxRestarts) {
            fail(new WorkerStartException("giving up after " + n
                    + " worker failures in a row with no task completing; last: " + reason));
            return;
        }
        try {
            Thread.sleep(Math.min(1_000, 20L * n)); // don't spin if the machine cannot start JVMs
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private RuntimeException terminalFailure() {
        return state == State.FAILED ? failure : new CancellationException("process pool closed");
    }

    /** One worker position: owns at most one process at a time and runs its tasks on its own thread. */
    private final class Slot implements Runnable {
        final int index;
        Thread thread;
        // guarded by lock
        Process process;
        Task current;
        Kill killReason;
        // used by this slot's thread only
        Path trainingOutput; // where this process writes the AOT cache at a normal exit, or null
        DataOutputStream out;
        DataInputStream in;

        Slot(int index) {
            this.index = index;
        }

        /** Caller holds lock. */
        void kill(Kill reason) {
            if (process != null && killReason == null) {
                killReason = reason;
                process.destroyForcibly();
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    if (process == null && !startWorker()) {
                        synchronized (lock) {
                            if (state == State.FAILED || state == State.KILLED || idleAndClosing()) {
                                return;
                            }
                        }
                        continue;
                    }
                    Task task = take();
                    if (task == null) {
                        return;
                    }
                    if (task == DIED_IDLE) {
                        int exit = reap(process);
                        if (discardProcess() == null) {
                            workerFailed("worker exited with code " + exit + " while idle");
                        }
                        continue;
                    }
                    runTask(task);
                }
            } catch (Throwable t) {
                // A bug here must not leave futures hanging forever.
                fail(new WorkerStartException("process pool worker thread failed: " + t, t));
                throw t;
            } finally {
                stopProcess();
            }
        }

        /** Caller holds lock. */
        private boolean idleAndClosing() {
            return state == State.CLOSING && queue.isEmpty() && running == 0;
        }

        private boolean startWorker() {
            Path training;
            synchronized (lock) {
                if (state == State.FAILED || state == State.KILLED || idleAndClosing()) {
                    return false;
                }
                // One training worker per pool at most: it records the first run's classes and
                // profiles into the AOT cache that later workers (and later pools) start from.
                training = trainingStarted ? null : launcher.trainingOutput();
                trainingStarted |= training != null;
            }
            Process p;
            try {
                p = launcher.start(training);
            } catch (IOException | RuntimeException e) {
                workerFailed("cannot start a worker JVM: " + e);
                return false;
            }
            synchronized (lock) {
                process = p;
                trainingOutput = training;
                killReason = null;
                if (state == State.FAILED || state == State.KILLED) {
                    killReason = Kill.SHUTDOWN;
                    p.destroyForcibly();
                }
            }
            out = new DataOutputStream(new BufferedOutputStream(p.getOutputStream(), 1 << 16));
            in = new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16));
            ScheduledFuture<?> startTimer = timer.schedule(() -> {
                synchronized (lock) {
                    if (process == p) {
                        kill(Kill.TIMEOUT);
                    }
                }
            }, startTimeout.toNanos(), TimeUnit.NANOSECONDS);
            Protocol.Response hello;
            try {
                hello = Protocol.readResponse(in);
                if (hello.id() != Protocol.HELLO_ID) {
                    throw new Protocol.ProtocolException("expected hello, got id " + hello.id());
                }
            } catch (IOException e) {
                startTimer.cancel(false);
                int exit = reap(p);
                Kill reason = discardProcess();
                if (reason == Kill.SHUTDOWN) {
                    return false;
                }
                workerFailed(reason == Kill.TIMEOUT
                        ? "worker did not start within " + startTimeout
                        : "worker exited with code " + exit + " before it was ready"
                                + (e instanceof Protocol.ProtocolException ? " (" + e.getMessage() + ")" : ""));
                return false;
            }
            startTimer.cancel(false);
            if (hello.status() == Protocol.FATAL) {
                reap(p);
                discardProcess();
                fail(new WorkerStartException(Protocol.utf8(hello.payload())));
                return false;
            }
            return true;
        }

        private Task take() {
            synchronized (lock) {
                while (true) {
                    if (state == State.FAILED || state == State.KILLED) {
                        return null;
                    }
                    if (!queue.isEmpty() && !process.isAlive()) {
                        return DIED_IDLE; // don't blame the next task for a death that came before it
                    }
                    Task t = queue.pollFirst();
                    if (t != null) {
                        t.queued = false;
                        t.slot = this;
                        current = t;
                        running++;
                        return t;
                    }
                    if (idleAndClosing()) {
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

        private void runTask(Task task) {
            Process p = process;
            ScheduledFuture<?> deadline = task.timeout == null ? null : timer.schedule(() -> {
                synchronized (lock) {
                    if (current == task) {
                        kill(Kill.TIMEOUT);
                    }
                }
            }, task.timeout.toNanos(), TimeUnit.NANOSECONDS);
            Protocol.Response response = null;
            IOException error = null;
            try {
                Protocol.writeRequest(out, task.id, task.request);
                response = Protocol.readResponse(in);
                if (response.id() != task.id || (response.status() != Protocol.OK && response.status() != Protocol.ERROR)) {
                    throw new Protocol.ProtocolException("expected a response to task " + task.id
                            + ", got id " + response.id() + " status " + response.status());
                }
            } catch (IOException e) {
                error = e;
                response = null;
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (response != null) {
                Kill reason;
                synchronized (lock) {
                    consecutiveFailures = 0;
                    reason = killReason;
                    release(task);
                    task.done = true;
                }
                if (response.status() == Protocol.OK) {
                    task.future.complete(response.payload());
                } else {
                    String text = Protocol.utf8(response.payload());
                    int nl = text.indexOf('\n');
                    task.future.completeExceptionally(nl < 0
                            ? new WorkerTaskException(text, text)
                            : new WorkerTaskException(text.substring(0, nl), text.substring(nl + 1)));
                }
                if (reason != null) { // killed just as it answered: the process is gone regardless
                    reap(p);
                    discardProcess();
                }
                return;
            }
            if (error instanceof Protocol.ProtocolException) {
                p.destroyForcibly(); // its stream is garbage; it cannot be trusted with more work
            }
            int exit = reap(p);
            Kill reason = discardProcess();
            RuntimeException outcome = null;
            boolean crashed = false;
            synchronized (lock) {
                release(task);
                if (reason == null) {
                    crashed = true;
                    task.crashes++;
                    if (task.crashes < 2 && !task.future.isDone()
                            && (state == State.RUNNING || state == State.CLOSING)) {
                        task.queued = true;
                        queue.addFirst(task); // retry next, on whichever worker is free first
                        lock.notifyAll();
                    } else {
                        task.done = true;
                        outcome = task.crashes >= 2
                                ? new WorkerCrashedException("worker process crashed twice on this input (exit code "
                                        + exit + ")", exit)
                                : terminalFailure();
                    }
                } else {
                    task.done = true;
                    outcome = switch (reason) {
                        case CANCELLED -> null; // already completed by whoever cancelled it
                        case SHUTDOWN -> terminalFailure();
                        case TIMEOUT -> null;
                    };
                }
            }
            if (reason == Kill.TIMEOUT) {
                TimeoutException te = new TimeoutException("task ran longer than " + task.timeout
                        + "; its worker process was killed");
                task.future.completeExceptionally(te);
            } else if (outcome != null) {
                task.future.completeExceptionally(outcome);
            }
            if (crashed) {
                workerFailed("worker exited with code " + exit + " while running a task"
                        + (error instanceof Protocol.ProtocolException ? " (" + error.getMessage() + ")" : ""));
            }
        }

        /** Caller holds lock. */
        private void release(Task task) {
            task.slot = null;
            current = null;
            running--;
            lock.notifyAll();
        }

        /** Forgets the (dead) process; returns why it was killed, or null if nobody here killed it. */
        private Kill discardProcess() {
            if (trainingOutput != null) {
                WorkerLauncher.discard(trainingOutput); // a dead trainer writes nothing usable
                trainingOutput = null;
            }
            synchronized (lock) {
                Kill reason = killReason;
                process = null;
                killReason = null;
                return reason;
            }
        }

        /** Waits for a process whose output has ended to exit; kills it if it lingers. */
        private int reap(Process p) {
            try {
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
                return p.isAlive() ? -1 : p.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                return -1;
            }
        }

        /** Ends this slot's process: end of input asks it to exit (and a training worker to write the AOT cache). */
        private void stopProcess() {
            Process p;
            synchronized (lock) {
                p = process;
            }
            if (p == null) {
                return;
            }
            try {
                out.close();
            } catch (IOException e) {
                // already dead
            }
            try {
                // A training worker assembles the AOT cache as it exits, which takes a second or so.
                if (!p.waitFor(trainingOutput != null ? 30 : 5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            if (trainingOutput != null) {
                if (!p.isAlive() && p.exitValue() == 0) {
                    launcher.publish(trainingOutput);
                } else {
                    WorkerLauncher.discard(trainingOutput);
                }
                trainingOutput = null;
            }
            synchronized (lock) {
                process = null;
            }
        }
    }
}
