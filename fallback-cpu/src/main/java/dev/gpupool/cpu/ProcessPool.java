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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <li>{@link WorkerCrashedException}: a worker process died while running the task (it crashed,
 *     exited, or was killed from outside) on two attempts, the second with the task alone in its
 *     process; after a death the task goes back to the head of the queue and runs alone on the next
 *     process free for it;
 * <li>{@link TimeoutException}: the task ran longer than its timeout, measured from when a worker
 *     took it (queueing time excluded); its worker is killed, since that is the only way to stop a
 *     stuck native call, and replaced (the other tasks that process was running go back to the
 *     queue, not counted as crashes);
 * <li>{@link CancellationException}: the future was cancelled, or {@link #closeNow()} was called;
 * <li>{@link WorkerStartException}: the pool failed (see there).
 * </ul>
 * Completing the future from outside ({@code cancel}, {@code complete}, {@code orTimeout}...) takes
 * a queued task off the queue, or kills and replaces the worker running it: there is no gentler way
 * to stop it, so {@code mayInterruptIfRunning} makes no difference (the other tasks that process was
 * running go back to the queue, not counted as crashes).
 *
 * <p>Workers run on the class path this JVM really loaded {@link WorkerMain}, the handler and their
 * dependencies from (which under {@code mvn exec:java}, an IDE or the module path is not {@code
 * java.class.path}; see {@link Options#classPath(List)}). Where that class path cannot be rebuilt
 * (classes from a jar inside a jar, as in a Spring Boot fat jar), {@link #start} throws
 * {@link WorkerStartException} with the reason, and {@link #workerClassPathProblem} says so beforehand.
 *
 * <p>Start-up problems fail fast: until one worker of the pool has become ready, the second worker
 * that fails to start (exits, cannot be launched, or does not say it is ready within the start
 * timeout) fails the pool with a {@link WorkerStartException} whose {@link
 * WorkerStartException#noWorkerStarted()} is true and whose message names the cause in one line
 * (the first lines the worker JVM printed: "Could not find or load main class ...", "Unrecognized VM
 * option ..."). Retrying would fail the same way, every time. A caller may then run the work some
 * other way ({@link #awaitStarted()} tells it before any task is submitted).
 *
 * <p>Dead workers are replaced at once. Once a worker has been ready, workers that fail to start, or die, more than
 * {@link Options#maxRestarts(int)} times in a row with no task completing in between fail the pool
 * (a machine that cannot start JVMs, a handler that crashes on everything) instead of looping.
 * Deliberate kills (timeouts, cancellation) do not count.
 *
 * <p>Futures are completed on the pool's own threads (a reader thread per worker process, or the
 * thread that manages a process that died or a pool that failed): use the {@code *Async} variants for
 * dependent work that is not trivial, or that worker waits. Closing the pool from such a callback
 * is allowed; {@code close()} and {@code closeNow()} then return at once and the pool finishes on its
 * own threads. A request array is written
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
        private int threadsPerProcess = 1;
        private List<String> jvmOptions = List.of();
        private Duration taskTimeout;
        private Duration startTimeout = Duration.ofSeconds(60);
        private int maxRestarts = -1;
        private boolean startupCache = true;
        private List<Path> classPath;

        private Options(Class<? extends WorkerHandler> handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /** Options for workers running {@code handler}, which must be on this JVM's class path. */
        public static Options of(Class<? extends WorkerHandler> handler) {
            return new Options(handler);
        }

        /** Tasks run at once (task threads over all worker processes), at least 1; default: available processors. */
        public Options workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1: " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * Task threads per worker process, at least 1; default 1. The pool starts
         * {@code ceil(workers / threadsPerProcess)} processes. Above 1 the handler must be
         * thread-safe: {@link WorkerHandler#handle} is then called from several threads at once.
         */
        public Options threadsPerProcess(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threadsPerProcess must be >= 1: " + threads);
            }
            this.threadsPerProcess = threads;
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

        /**
         * The class path of the worker JVMs (jars and folders holding {@link WorkerMain}, the handler
         * and what it needs); null (the default) to find it: where this JVM loaded those classes from
         * ({@code java.class.path} under a plain {@code java -cp}; the class loader's jars under
         * {@code mvn exec:java} and similar launchers; the module path's jars).
         */
        public Options classPath(List<Path> classPath) {
            this.classPath = classPath == null ? null : List.copyOf(classPath);
            return this;
        }

        private WorkerClassPath workerClassPath() {
            return classPath != null ? WorkerClassPath.of(classPath) : WorkerClassPath.discover(handler);
        }

        private static Duration checkTimeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            return timeout;
        }
    }

    /** A worker process started by {@link #prestart} for the first slot of a pool with options {@code key}. */
    private record Prestarted(List<Object> key, WorkerLauncher.Started started, Path trainingOutput) {
        void discard() {
            started.process().destroyForcibly();
            if (trainingOutput != null) WorkerLauncher.discard(trainingOutput);
        }
    }

    private static final java.util.concurrent.atomic.AtomicReference<Prestarted> PRESTARTED =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** What a prestarted process must match: everything its command line depends on. */
    private static List<Object> prestartKey(Options o) {
        return List.of(o.handler.getName(), o.jvmOptions, o.startupCache, lanes(o.workers, o.threadsPerProcess, 0),
                o.classPath == null ? List.of() : o.classPath);
    }

    private static int lanes(int workers, int threadsPerProcess, int slot) {
        int processes = processes(workers, threadsPerProcess);
        return workers / processes + (slot < workers % processes ? 1 : 0); // 5 over 2 processes: 3 + 2, not 4 + 1
    }

    /**
     * Starts the first worker process of a pool with these options now, before the pool exists, so
     * that its start-up overlaps the caller's: a command line calls this first thing when its
     * arguments say it will most likely need the pool, then parses them and probes devices. The next
     * {@link #start} with equal options (handler, JVM options, cache setting, threads of the first
     * process) adopts the process; a pool with other options, or {@link #cancelPrestart()}, ends it.
     * Unadopted, it exits when this JVM does. Never throws: a process that cannot start now is
     * simply started later by the pool.
     */
    public static void prestart(Options options) {
        try {
            WorkerClassPath cp = options.workerClassPath();
            if (!cp.usable()) return; // the pool will say why
            WorkerLauncher launcher = new WorkerLauncher(options.handler.getName(), cp.classPath(), options.jvmOptions, options.startupCache);
            Path training = launcher.trainingOutput();
            WorkerLauncher.Started p = launcher.start(training, lanes(options.workers, options.threadsPerProcess, 0));
            Prestarted old = PRESTARTED.getAndSet(new Prestarted(prestartKey(options), p, training));
            if (old != null) old.discard();
        } catch (IOException | RuntimeException e) {
            // the pool starts its own
        }
    }

    /** The pid of the process {@link #prestart} started that no pool has adopted yet, or -1 (for tests). */
    static long prestartedPid() {
        Prestarted p = PRESTARTED.get();
        return p == null ? -1 : p.started().process().pid();
    }

    /** Ends the process {@link #prestart} started, if no pool adopted it (the job went elsewhere). */
    public static void cancelPrestart() {
        Prestarted old = PRESTARTED.getAndSet(null);
        if (old != null) old.discard();
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
        boolean alone;  // set by a death: from then on it runs with no other task in its process
        ScheduledFuture<?> deadline;

        Task(long id, byte[] request, Duration timeout) {
            this.id = id;
            this.request = request;
            this.timeout = timeout;
        }
    }

    /** Marker returned by {@code Slot.next()}: its process's output has ended (it died or was killed). */
    private static final Task ENDED = new Task(-2, new byte[0], null);

    private final Object lock = new Object();
    private final int workers;
    private final int threadsPerProcess;
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
    private int stoppedSlots;
    private boolean trainingStarted;
    private boolean everReady; // a worker of this pool has said it is ready
    private int startFailuresBeforeReady;

    private ProcessPool(Options o, WorkerClassPath classPath) {
        this.workers = o.workers;
        this.threadsPerProcess = o.threadsPerProcess;
        this.taskTimeout = o.taskTimeout;
        this.startTimeout = o.startTimeout;
        this.maxRestarts = o.maxRestarts >= 0 ? o.maxRestarts : 2 * o.workers + 8;
        this.launcher = new WorkerLauncher(o.handler.getName(), classPath.classPath(), o.jvmOptions, o.startupCache);
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
     * @throws WorkerStartException (with {@link WorkerStartException#noWorkerStarted()} true) if no
     *     class path for workers can be built here: see {@link #workerClassPathProblem}
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
        WorkerClassPath classPath = options.workerClassPath();
        if (!classPath.usable()) {
            throw new WorkerStartException("worker processes cannot start here: " + classPath.problem(), true);
        }
        ProcessPool pool = new ProcessPool(options, classPath);
        pool.launcher.maintainCache();
        Runtime.getRuntime().addShutdownHook(pool.shutdownHook);
        int processes = processes(pool.workers, pool.threadsPerProcess);
        Prestarted prestarted = PRESTARTED.getAndSet(null);
        if (prestarted != null && !prestarted.key().equals(prestartKey(options))) {
            prestarted.discard();
            prestarted = null;
        }
        for (int i = 0; i < processes; i++) {
            Slot slot = pool.new Slot(i, lanes(pool.workers, pool.threadsPerProcess, i));
            if (i == 0 && prestarted != null) {
                slot.prestarted = prestarted;
                pool.trainingStarted = prestarted.trainingOutput() != null;
            }
            pool.slots.add(slot);
            // Platform threads: a process pipe is blocking file I/O that would pin a virtual
            // thread's carrier anyway, there are two per process, and named threads read well in
            // thread dumps. Daemon: they must never keep the JVM alive.
            Thread t = new Thread(slot, "gpupool-worker-" + i);
            t.setDaemon(true);
            slot.thread = t;
            t.start();
        }
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
            while (!everReady && state != State.FAILED && state != State.KILLED && stoppedSlots < slots.size()) {
                lock.wait();
            }
            if (!everReady && state == State.FAILED) {
                throw failure;
            }
        }
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

    /** The configured number of tasks run at once. */
    public int workers() {
        return workers;
    }

    /** The number of worker processes: {@code ceil(workers / threadsPerProcess)}. */
    public int processes() {
        return slots.size();
    }

    /** For example {@code "2 worker processes"}, or {@code "1 worker process, 2 threads"} when processes are shared. */
    public String describe() {
        return describe(workers, threadsPerProcess);
    }

    /** What {@link #describe()} says of a pool with these options, before it starts. */
    public static String describe(int workers, int threadsPerProcess) {
        int p = processes(workers, threadsPerProcess);
        String processes = p + (p == 1 ? " worker process" : " worker processes");
        return p == workers ? processes : processes + ", " + workers + " threads";
    }

    private static int processes(int workers, int threadsPerProcess) {
        return (workers + threadsPerProcess - 1) / threadsPerProcess;
    }

    /** Process ids of the worker processes alive now (fewer than {@link #processes()} while some start or restart). */
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
        if (onPoolThread()) {
            return; // a future's callback: waiting here would wait for this very thread; the slots finish alone
        }
        boolean interrupted = false;
        for (Slot s : slots) {
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
        List<Task> dropped;
        synchronized (lock) {
            if (state == State.RUNNING || state == State.CLOSING) {
                state = State.KILLED;
            }
            dropped = drainQueue();
            for (Slot s : slots) {
                s.kill(Kill.SHUTDOWN, null);
            }
            lock.notifyAll();
        }
        for (Task t : dropped) {
            t.future.completeExceptionally(new CancellationException("process pool closed"));
        }
        if (onPoolThread()) {
            return; // a future's callback: the slots finish alone, the processes are already killed
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Slot s : slots) {
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

    /** Whether the caller is one of the pool's own threads (a slot's, or a reader completing futures). */
    private boolean onPoolThread() {
        Thread me = Thread.currentThread();
        for (Slot s : slots) {
            if (s.thread == me || s.reader == me) return true;
        }
        return false;
    }

    /** Idempotent. Called by close() and closeNow(), and by the last slot to stop. */
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
                task.slot.kill(Kill.CANCELLED, task);
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
                s.kill(Kill.SHUTDOWN, null);
            }
            lock.notifyAll();
        }
        for (Task t : dropped) {
            t.future.completeExceptionally(e);
        }
    }

    /**
     * A worker that did not become ready: before any worker of this pool has been ready, a second
     * such failure is a start-up problem, which fails the pool at once with the reason (retrying
     * would fail the same way; one retry covers a worker killed from outside as it started);
     * afterwards, a death like any other.
     */
    private void startFailed(String reason) {
        boolean first;
        synchronized (lock) {
            first = !everReady && ++startFailuresBeforeReady >= 2;
        }
        if (first) {
            fail(new WorkerStartException("worker processes cannot start here: " + reason, true));
        } else {
            workerFailed(reason);
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (m == null || m.isBlank() ? e.getClass().getName() : m.strip().replaceAll("\\s*\\R\\s*", " "));
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

    /** The timer's schedule, or null once the pool has finished (its timer is shut down). */
    private ScheduledFuture<?> schedule(Runnable task, Duration after) {
        try {
            return timer.schedule(task, after.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private RuntimeException terminalFailure() {
        return state == State.FAILED ? failure : new CancellationException("process pool closed");
    }

    /**
     * One worker process position: owns at most one process at a time, which runs up to
     * {@code lanes} of its tasks at once. Its own thread starts the process, writes requests and
     * handles the process's end; a reader thread per process reads the answers.
     */
    private final class Slot implements Runnable {
        final int index;
        final int lanes;
        Thread thread;
        volatile Thread reader; // the reader of the current process
        // guarded by lock
        Process process;
        final Map<Long, Task> inFlight = new HashMap<>();
        boolean ended;   // the reader saw the end of this process's output
        boolean stopping; // its input was closed to make it exit
        Kill killReason;
        Task killTarget; // the task a TIMEOUT or CANCELLED kill was for
        // used by this slot's thread only
        Prestarted prestarted; // its first process, already started by prestart(), or null
        Path trainingOutput; // where this process writes the AOT cache at a normal exit, or null
        WorkerStderr stderr; // the reader of this process's standard error
        DataOutputStream out;

        Slot(int index, int lanes) {
            this.index = index;
            this.lanes = lanes;
        }

        /**
         * Caller holds lock. The first reason given wins: the process is going either way. A process
         * whose output has already ended died by itself: a kill now must not pass for the cause.
         */
        void kill(Kill reason, Task target) {
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
                            if (state == State.FAILED || state == State.KILLED || idleAndClosing()) {
                                return;
                            }
                        }
                        continue;
                    }
                    Task task = next();
                    if (task == null) {
                        return;
                    }
                    if (task == ENDED) {
                        processEnded();
                        continue;
                    }
                    send(task);
                }
            } catch (Throwable t) {
                // A bug here must not leave futures hanging forever.
                RuntimeException failure = new WorkerStartException("process pool worker thread failed: " + t, t);
                fail(failure);
                List<Task> orphans;
                synchronized (lock) {
                    orphans = new ArrayList<>(inFlight.values());
                    inFlight.clear();
                    for (Task o : orphans) {
                        detach(o);
                        o.done = true;
                        running--;
                    }
                    lock.notifyAll();
                }
                orphans.forEach(o -> o.future.completeExceptionally(failure));
                throw t;
            } finally {
                stopProcess();
                boolean last;
                synchronized (lock) {
                    last = ++stoppedSlots == slots.size();
                }
                if (last) finish(); // when close() was called from a callback, nobody else will
            }
        }

        /** Caller holds lock. */
        private boolean idleAndClosing() {
            return state == State.CLOSING && queue.isEmpty() && running == 0;
        }

        private boolean startWorker() {
            Path training;
            Process p;
            WorkerLauncher.Started started;
            if (prestarted != null) {
                training = prestarted.trainingOutput();
                started = prestarted.started();
                prestarted = null;
            } else {
                synchronized (lock) {
                    if (state == State.FAILED || state == State.KILLED || idleAndClosing()) {
                        return false;
                    }
                    // One training worker per pool at most: it records the first run's classes and
                    // profiles into the AOT cache that later workers (and later pools) start from.
                    training = trainingStarted ? null : launcher.trainingOutput();
                    trainingStarted |= training != null;
                }
                try {
                    started = launcher.start(training, lanes);
                } catch (IOException | RuntimeException e) {
                    if (training != null) WorkerLauncher.discard(training);
                    startFailed("cannot launch a worker JVM: " + oneLine(e));
                    return false;
                }
            }
            p = started.process();
            stderr = started.stderr();
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
            DataInputStream in = new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16));
            ScheduledFuture<?> startTimer = schedule(() -> {
                synchronized (lock) {
                    if (process == p) {
                        kill(Kill.TIMEOUT, null);
                    }
                }
            }, startTimeout);
            Protocol.Response hello;
            try {
                hello = Protocol.readResponse(in);
                if (hello.id() != Protocol.HELLO_ID) {
                    throw new Protocol.ProtocolException("expected hello, got id " + hello.id());
                }
            } catch (IOException e) {
                if (startTimer != null) startTimer.cancel(false);
                int exit = reap(p);
                Kill reason = discardProcess();
                if (reason == Kill.SHUTDOWN) {
                    return false;
                }
                String printed = reason == Kill.TIMEOUT ? null : stderr.reason();
                startFailed(reason == Kill.TIMEOUT
                        ? "worker did not start within " + startTimeout
                        : "worker exited with code " + exit + " before it was ready"
                                + (e instanceof Protocol.ProtocolException ? " (" + e.getMessage() + ")" : "")
                                + (printed != null ? ": " + printed : ""));
                return false;
            }
            if (startTimer != null) startTimer.cancel(false);
            if (hello.status() == Protocol.FATAL) {
                reap(p);
                discardProcess();
                String why = Protocol.utf8(hello.payload());
                boolean first;
                synchronized (lock) {
                    first = !everReady;
                }
                // A handler whose classes are missing from the workers' class path cannot start
                // there; any other failure to create it is the handler's own.
                boolean classPath = why.contains("ClassNotFoundException") || why.contains("NoClassDefFoundError");
                fail(new WorkerStartException(first && classPath ? "worker processes cannot start here: " + why : why,
                        first && classPath));
                return false;
            }
            stderr.ready();
            synchronized (lock) {
                everReady = true;
                lock.notifyAll();
            }
            Thread r = new Thread(() -> read(p, in), "gpupool-worker-" + index + "-reader");
            r.setDaemon(true);
            reader = r;
            r.start();
            return true;
        }

        /**
         * The next task to send to this process, {@link #ENDED} once the process's output has ended
         * (its tasks must be dealt with first), or null when this slot is done.
         */
        private Task next() {
            synchronized (lock) {
                while (true) {
                    if (ended) {
                        return ENDED;
                    }
                    if (state == State.FAILED || state == State.KILLED) {
                        if (inFlight.isEmpty()) {
                            return null;
                        }
                    } else if (canTake() && process.isAlive()) { // a death while idle is no task's fault
                        Task t = queue.pollFirst();
                        t.queued = false;
                        t.slot = this;
                        inFlight.put(t.id, t);
                        running++;
                        return t;
                    } else if (idleAndClosing()) {
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
            Task head = queue.peekFirst();
            if (head == null || inFlight.size() >= lanes) {
                return false;
            }
            // A task suspected of a crash runs alone, so that a second death is blamed on it alone.
            return inFlight.isEmpty() || (!head.alone && inFlight.values().stream().noneMatch(t -> t.alone));
        }

        private void send(Task task) {
            if (task.timeout != null) {
                ScheduledFuture<?> deadline = schedule(() -> {
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
                Protocol.writeRequest(out, task.id, task.request);
            } catch (IOException e) {
                // Its input is broken, so the process is dead or dying: make sure it is, and its
                // reader reports the end like any other.
                synchronized (lock) {
                    if (process != null) process.destroyForcibly();
                }
            }
        }

        /** The reader thread of process {@code p}: completes tasks as their answers arrive. */
        private void read(Process p, DataInputStream in) {
            Throwable end = null;
            try {
                while (true) {
                    Protocol.Response r = Protocol.readResponse(in);
                    Task task;
                    synchronized (lock) {
                        task = r.status() == Protocol.OK || r.status() == Protocol.ERROR ? inFlight.remove(r.id()) : null;
                        if (task == null) {
                            throw new Protocol.ProtocolException("unexpected response id " + r.id() + " status " + r.status());
                        }
                        consecutiveFailures = 0;
                        detach(task);
                        task.done = true;
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
                            running--;
                            lock.notifyAll();
                        }
                    }
                }
            } catch (Throwable e) {
                end = e; // IOException: the output ended (the process exited, died or was killed)
            } finally {
                boolean exiting;
                synchronized (lock) {
                    exiting = stopping && process == p;
                }
                if (end instanceof Protocol.ProtocolException && exiting) {
                    // A training worker's JVM prints its cache assembly on standard output as it
                    // exits: not a protocol error, just the end.
                    try {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        // gone
                    }
                } else if (!(end instanceof IOException) || end instanceof Protocol.ProtocolException) {
                    // Garbage on the stream, or this thread failed (out of memory on a huge frame):
                    // the process cannot be trusted with more work; its tasks are settled as a crash.
                    p.destroyForcibly();
                }
                synchronized (lock) {
                    if (process == p) {
                        ended = true;
                        lock.notifyAll();
                    }
                }
            }
        }

        /**
         * The process's output has ended: decides the fate of each task it was running. After a
         * crash each goes back to the head of the queue, to run alone from then on, unless it was
         * already alone and had crashed a process before: then it fails. After a kill for a timeout
         * or cancellation, only the task it was for is done; the others go back to the queue,
         * uncounted. Freeing and requeueing happen at once, so that no other slot sees an empty
         * queue in between and stops while these tasks still need running.
         */
        private void processEnded() {
            Process p;
            synchronized (lock) {
                p = process;
            }
            int exit = reap(p);
            discardTraining();
            Kill reason;
            List<Task> victims;
            List<Task> failed = new ArrayList<>();
            List<Throwable> outcomes = new ArrayList<>();
            synchronized (lock) {
                Task target = killTarget;
                reason = forget();
                victims = new ArrayList<>(inFlight.values());
                victims.sort(java.util.Comparator.comparingLong(t -> t.id));
                inFlight.clear();
                boolean open = state == State.RUNNING || state == State.CLOSING;
                List<Task> retry = new ArrayList<>();
                for (Task t : victims) {
                    detach(t);
                    running--;
                    Throwable outcome;
                    if (t.future.isDone()) {
                        outcome = null; // completed from outside (cancelled): nothing left to say
                    } else if (reason == null) {
                        t.crashes++;
                        if (t.crashes >= 2 && victims.size() == 1) {
                            outcome = new WorkerCrashedException("worker process crashed twice on this input (exit code "
                                    + exit + ")", exit);
                        } else if (open) {
                            t.alone = true;
                            retry.add(t);
                            continue;
                        } else {
                            outcome = terminalFailure();
                        }
                    } else if (t == target && reason == Kill.TIMEOUT) {
                        outcome = new TimeoutException("task ran longer than " + t.timeout
                                + "; its worker process was killed");
                    } else if (reason != Kill.SHUTDOWN && open) {
                        retry.add(t); // killed for another task's sake: not its fault
                        continue;
                    } else {
                        outcome = terminalFailure();
                    }
                    t.done = true;
                    if (outcome != null) {
                        failed.add(t);
                        outcomes.add(outcome);
                    }
                }
                for (int i = retry.size() - 1; i >= 0; i--) {
                    retry.get(i).queued = true;
                    queue.addFirst(retry.get(i)); // next, on whichever process is free first
                }
                lock.notifyAll();
            }
            for (int i = 0; i < failed.size(); i++) {
                failed.get(i).future.completeExceptionally(outcomes.get(i));
            }
            if (reason == null) {
                workerFailed("worker exited with code " + exit + (victims.isEmpty() ? " while idle"
                        : victims.size() == 1 ? " while running a task" : " while running " + victims.size() + " tasks"));
            }
        }

        /** Caller holds lock. The task no longer runs here (the caller settles {@code running}). */
        private void detach(Task task) {
            task.slot = null;
            if (task.deadline != null) {
                task.deadline.cancel(false);
                task.deadline = null;
            }
        }

        /** Forgets the (dead) process; returns why it was killed, or null if nobody here killed it. */
        private Kill discardProcess() {
            discardTraining();
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

        private void discardTraining() {
            if (trainingOutput != null) {
                WorkerLauncher.discard(trainingOutput); // a dead trainer writes nothing usable
                trainingOutput = null;
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
            synchronized (lock) {
                stopping = true;
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
                stopping = false;
            }
        }
    }
}
