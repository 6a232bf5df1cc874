package dev.gpupool;

import dev.gpupool.backend.BackendRuntime;
import dev.gpupool.backend.Backends;
import dev.gpupool.device.ProbeReport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A pool of workers bound to one backend (a CUDA or OpenCL device, or the CPU), running tasks with
 * bounded concurrency.
 *
 * <p>{@link #open()} probes the backends in order (CUDA, an OpenCL GPU, the CPU process pool) and
 * binds to the first usable one; {@link #open(Backend)} insists on one and throws
 * {@link BackendUnavailableException} with the reason when it cannot run here. Image jobs
 * ({@link dev.gpupool.thumbnail.Thumbnailer}) run on that backend; plain Java tasks given to
 * {@link #submit} and {@link #map} run on the pool's {@link #workers()} threads in this process.
 *
 * <p>Semantics, in the terms of gevent and {@code concurrent.futures}:
 * <ul>
 *   <li>At most {@link #workers()} tasks run at once; the others wait in submission order.</li>
 *   <li>{@link #submit(Callable)} returns a {@link CompletableFuture}; cancelling it removes a waiting
 *       task or interrupts a running one.</li>
 *   <li>A per-task timeout counts from the moment the task starts running; when it passes, the
 *       future fails with {@link TimeoutException} and the task is interrupted; while it still holds
 *       its thread (native code does not heed interrupts), the pool lends itself another
 *       ({@link LentThreads}).</li>
 *   <li>{@link #map} returns outcomes in input order, {@link #mapUnordered} as they complete; a failing
 *       task yields a failed {@link Outcome} and never aborts the others. A batch deadline cancels
 *       whatever has not finished by then.</li>
 *   <li>{@link #close()} stops taking tasks and waits for those already submitted. On SIGINT, SIGTERM
 *       or SIGHUP an open pool fails waiting tasks at once, lets running ones finish for up to its
 *       {@linkplain Builder#shutdownGrace grace} (10 s), then stops the rest (a {@code cpu} worker is
 *       killed, a thread interrupted and abandoned); each fails with a {@link dev.gpupool.cpu.PoolStoppedException}
 *       saying {@code interrupted by SIGTERM}. The JVM exits (130, 143) once every shutdown hook has
 *       returned: a caller that must report first holds its own hook until it has.</li>
 * </ul>
 *
 * <pre>{@code
 * try (Pool pool = Pool.open()) {                       // CUDA, else an OpenCL GPU, else CPU processes
 *     List<Outcome<Integer>> sizes = pool.map(p -> Files.readAllBytes(p).length, paths);
 *     CompletableFuture<String> f = pool.submit(() -> slowCall(), Duration.ofSeconds(5));
 *     System.out.println(pool.backend() + " on " + pool.device());
 * }
 * }</pre>
 */
public final class Pool implements AutoCloseable {
    private final Backend requested;
    private final BackendRuntime runtime;
    private final int deviceIndex;
    private final int workers;
    private final Duration taskTimeout;
    private final Duration shutdownGrace;
    private final List<ProbeReport> probes;
    private final List<java.nio.file.Path> workerClassPath;
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService timer;
    private final LentThreads lent;
    private final Thread shutdownHook;
    private volatile boolean closed;
    /** Set by a signal's shutdown: why tasks fail from then on ("interrupted by SIGTERM"). */
    private volatile String interruption;
    /** Counted down when a signal's shutdown is over: close() then returns at once. */
    private final java.util.concurrent.CountDownLatch signalled = new java.util.concurrent.CountDownLatch(1);
    /** Tasks submitted and not yet complete, so that a signal's shutdown can fail those it stops. */
    private final java.util.Set<TaskFuture<?>> outstanding = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Pool(Builder b, Backends.Selection selection) {
        this.requested = b.backend;
        this.runtime = selection.runtime();
        this.deviceIndex = b.device;
        this.workers = b.workers > 0 ? b.workers : Runtime.getRuntime().availableProcessors();
        this.taskTimeout = b.taskTimeout;
        this.shutdownGrace = b.shutdownGrace;
        this.probes = List.copyOf(selection.probes());
        this.workerClassPath = b.workerClassPath;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "gpupool-worker-" + n.incrementAndGet()));
        this.executor.allowCoreThreadTimeOut(true);
        this.lent = new LentThreads(executor, workers);
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "gpupool-timer"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.shutdownHook = new Thread(this::closeOnSignal, "gpupool-shutdown");
        ShutdownSignal.install();
        try {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } catch (IllegalStateException e) { // a signal came first: the JVM is already going
            executor.shutdownNow();
            timer.shutdownNow();
            throw new dev.gpupool.cpu.PoolStoppedException(ShutdownSignal.reason());
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread th = new Thread(r, name);
        th.setDaemon(true);
        return th;
    }

    /** A pool on the first usable backend: a CUDA device, else an OpenCL GPU, else the CPU process pool. */
    public static Pool open() {
        return builder().open();
    }

    /** A pool on {@code backend}; throws {@link BackendUnavailableException} with the reason when it cannot run here. */
    public static Pool open(Backend backend) {
        return builder().backend(backend).open();
    }

    /** Options beyond the backend: device index, workers, task timeout, shutdown grace. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Pool}. Not thread-safe; each {@link #open()} makes a new pool. */
    public static final class Builder {
        private Backend backend = Backend.AUTO;
        private int device;
        private int workers;
        private Duration taskTimeout;
        private Duration shutdownGrace = Duration.ofSeconds(10);
        private List<java.nio.file.Path> workerClassPath;

        private Builder() {
        }

        /** The backend to insist on, or {@link Backend#AUTO} (the default). */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend);
            return this;
        }

        /** Which device among the usable ones of the backend (0, the default, is the first). */
        public Builder device(int index) {
            if (index < 0) throw new IllegalArgumentException("device index must be >= 0");
            this.device = index;
            return this;
        }

        /** Tasks run at once (and CPU worker processes); default: the number of cores. */
        public Builder workers(int workers) {
            if (workers < 1) throw new IllegalArgumentException("workers must be >= 1, not " + workers);
            this.workers = workers;
            return this;
        }

        /** Default timeout of each task, counted from its start; null (the default) for none. */
        public Builder taskTimeout(Duration timeout) {
            this.taskTimeout = timeout;
            return this;
        }

        /** How long running tasks may finish after SIGINT/SIGTERM/SIGHUP before they are stopped (default 10 s). */
        public Builder shutdownGrace(Duration grace) {
            this.shutdownGrace = Objects.requireNonNull(grace);
            return this;
        }

        /**
         * The class path of the {@code cpu} backend's worker JVMs (jars and folders holding gpupool
         * and its dependencies); null (the default) to use where this JVM loaded them from.
         */
        public Builder workerClassPath(List<java.nio.file.Path> classPath) {
            this.workerClassPath = classPath == null ? null : List.copyOf(classPath);
            return this;
        }

        /** Probes, binds and starts the pool. */
        public Pool open() {
            Backends.Selection s = Backends.select(backend, device, workers > 0 ? workers : Runtime.getRuntime().availableProcessors());
            try {
                return new Pool(this, s);
            } catch (RuntimeException | Error e) {
                s.runtime().close();
                throw e;
            }
        }
    }

    /** The backend chosen (never {@link Backend#AUTO}). */
    public Backend backend() {
        return runtime.backend();
    }

    /** The backend asked for: {@link Backend#AUTO} or the one insisted on. */
    public Backend requested() {
        return requested;
    }

    /** The device it runs on: "NVIDIA H100 80GB HBM3", "Portable Computing Language: cpu", "2 worker processes". */
    public String device() {
        return runtime.device();
    }

    /** The class path given to {@link Builder#workerClassPath}, or null. */
    public List<java.nio.file.Path> workerClassPath() {
        return workerClassPath;
    }

    /** The device index asked for. */
    public int deviceIndex() {
        return deviceIndex;
    }

    /** How many tasks run at once. */
    public int workers() {
        return workers;
    }

    /** What probing found for each backend considered, in probing order. */
    public List<ProbeReport> probes() {
        return probes;
    }

    /** Runs {@code task} with the pool's default timeout. */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        return submit(task, taskTimeout);
    }

    /**
     * Runs {@code task} when a worker is free. The future completes with its result or exception; with
     * {@link TimeoutException} if it runs longer than {@code timeout} (null: no limit), the task then
     * being interrupted; with {@link RejectedExecutionException} if the pool is closed, or the
     * {@link dev.gpupool.cpu.PoolStoppedException} of a signal's shutdown (see the class documentation).
     */
    public <T> CompletableFuture<T> submit(Callable<T> task, Duration timeout) {
        Objects.requireNonNull(task, "task");
        TaskFuture<T> result = new TaskFuture<>();
        if (closed) {
            String why = interruption;
            result.completeExceptionally(why != null ? new dev.gpupool.cpu.PoolStoppedException(why)
                    : new RejectedExecutionException("pool is closed"));
            return result;
        }
        outstanding.add(result);
        result.whenComplete((v, e) -> outstanding.remove(result));
        FutureTask<Void> runner = new FutureTask<>(() -> {
            if (!result.start()) return null; // done before it started: cancelled, or stopped by a signal
            ScheduledFuture<?> alarm = null;
            AtomicInteger lending = new AtomicInteger(); // 1 once a thread is lent for this one, 2 once it has returned
            if (timeout != null) {
                Thread self = Thread.currentThread();
                alarm = timer.schedule(() -> {
                    if (result.completeExceptionally(new TimeoutException("task timed out after " + human(timeout)))) {
                        self.interrupt();
                        if (lent.lend() && !lending.compareAndSet(0, 1)) lent.giveBack(); // returned meanwhile
                    }
                }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            } finally {
                if (alarm != null) alarm.cancel(false);
                if (lending.getAndSet(2) == 1) lent.giveBack();
                Thread.interrupted(); // a late timeout must not leak into the next task on this thread
            }
            return null;
        });
        result.runner = runner;
        try {
            executor.execute(runner);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Applies {@code fn} to every input concurrently; the outcomes in input order. Waits for all. */
    public <T, R> List<Outcome<R>> map(TaskFunction<? super T, ? extends R> fn, List<? extends T> inputs) {
        return map(fn, inputs, null);
    }

    /**
     * As {@link #map(TaskFunction, List)}, but tasks not finished when {@code deadline} has passed
     * (counted from this call) are cancelled: their outcomes fail with {@link TimeoutException}.
     */
    public <T, R> List<Outcome<R>> map(TaskFunction<? super T, ? extends R> fn, List<? extends T> inputs, Duration deadline) {
        List<CompletableFuture<R>> futures = submitAll(fn, inputs, deadline);
        List<Outcome<R>> out = new ArrayList<>(futures.size());
        for (int i = 0; i < futures.size(); i++) out.add(await(i, futures.get(i)));
        return out;
    }

    /** Applies {@code fn} to every input concurrently; outcomes stream out as tasks complete. */
    public <T, R> Stream<Outcome<R>> mapUnordered(TaskFunction<? super T, ? extends R> fn, List<? extends T> inputs) {
        return mapUnordered(fn, inputs, null);
    }

    /** As {@link #mapUnordered(TaskFunction, List)} with a batch deadline as in {@link #map(TaskFunction, List, Duration)}. */
    public <T, R> Stream<Outcome<R>> mapUnordered(TaskFunction<? super T, ? extends R> fn, List<? extends T> inputs, Duration deadline) {
        int n = inputs.size();
        BlockingQueue<Outcome<R>> done = new ArrayBlockingQueue<>(Math.max(1, n));
        List<CompletableFuture<R>> futures = submitAll(fn, inputs, deadline);
        for (int i = 0; i < n; i++) {
            int index = i;
            futures.get(i).whenComplete((v, e) -> done.add(new Outcome<>(index, e == null ? v : null, e == null ? null : unwrap(e))));
        }
        java.util.Iterator<Outcome<R>> it = new java.util.Iterator<>() {
            int taken;

            @Override
            public boolean hasNext() {
                return taken < n;
            }

            @Override
            public Outcome<R> next() {
                if (taken >= n) throw new java.util.NoSuchElementException();
                try {
                    Outcome<R> o = done.take();
                    taken++;
                    return o;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(f -> f.cancel(true));
                    throw new CancellationException("interrupted while waiting for outcomes");
                }
            }
        };
        return StreamSupport.stream(java.util.Spliterators.spliterator(it, n, java.util.Spliterator.SIZED), false);
    }

    private <T, R> List<CompletableFuture<R>> submitAll(TaskFunction<? super T, ? extends R> fn, List<? extends T> inputs, Duration deadline) {
        List<CompletableFuture<R>> futures = new ArrayList<>(inputs.size());
        for (T input : inputs) futures.add(submit(() -> fn.apply(input)));
        if (deadline != null && !futures.isEmpty()) {
            ScheduledFuture<?> alarm = timer.schedule(() -> {
                for (CompletableFuture<R> f : futures) {
                    if (f instanceof TaskFuture<R> tf) tf.expire(new TimeoutException("batch deadline of " + human(deadline) + " passed"));
                }
            }, deadline.toNanos(), TimeUnit.NANOSECONDS);
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> alarm.cancel(false));
        }
        return futures;
    }

    private static <R> Outcome<R> await(int index, CompletableFuture<R> f) {
        try {
            return new Outcome<>(index, f.get(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            return new Outcome<>(index, null, new CancellationException("interrupted while waiting"));
        } catch (ExecutionException | CompletionException e) {
            return new Outcome<>(index, null, unwrap(e));
        } catch (CancellationException e) {
            return new Outcome<>(index, null, e);
        }
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
        return e;
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /**
     * Launches a user kernel over {@code globalSize} work items on this pool's backend; the same as
     * {@code kernel.launch(this, globalSize, args)} (see {@link dev.gpupool.kernel.Kernel}).
     */
    public CompletableFuture<dev.gpupool.kernel.LaunchReport> launch(dev.gpupool.kernel.Kernel kernel, int globalSize,
                                                                     dev.gpupool.kernel.Arg... args) {
        return kernel.launch(this, globalSize, args);
    }

    /**
     * The backend's runtime: the one object through which this pool's thumbnails, user kernels and
     * in-memory resizes reach the backend (its device session, its worker processes). For gpupool's
     * own packages; not a stable API.
     */
    public BackendRuntime runtime() {
        if (closed) {
            String why = interruption;
            throw why != null ? new dev.gpupool.cpu.PoolStoppedException(why) : new RejectedExecutionException("pool is closed");
        }
        return runtime;
    }

    /** Why a signal stopped this pool ({@code interrupted by SIGTERM}), or null when none did. */
    public String interruption() {
        return interruption;
    }

    /** True once {@link #close()} has begun. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops taking tasks, waits for the submitted ones, then releases the backend. Idempotent. After
     * a signal, returns once the signal's shutdown is over (within its grace and a few seconds),
     * instead of waiting for tasks it abandoned.
     */
    @Override
    public void close() {
        if (interruption != null) {
            awaitSignalShutdown();
        } else {
            closeAndWait();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down; the hook is running or done
        }
    }

    /**
     * The shutdown hook (a signal, or any JVM exit with the pool open): the backend's running work
     * and this pool's running tasks share one deadline, the grace; what runs past it fails with the
     * reason, its threads interrupted and abandoned (daemons: they do not hold the JVM).
     */
    private void closeOnSignal() {
        String why = ShutdownSignal.reason();
        long end = System.nanoTime() + shutdownGrace.toNanos();
        try {
            interruption = why;
            closed = true;
            executor.shutdown();
            for (TaskFuture<?> f : outstanding) f.stopIfWaiting(why);
            try {
                runtime.shutdown(Duration.ofNanos(Math.max(0, end - System.nanoTime())), why);
            } catch (RuntimeException ignored) {
                // best effort: the JVM is going either way
            }
            try {
                executor.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (TaskFuture<?> f : outstanding) f.completeExceptionally(new dev.gpupool.cpu.PoolStoppedException(why));
            executor.shutdownNow();
            timer.shutdownNow();
            try {
                runtime.close();
            } catch (RuntimeException ignored) {
                // closing is best effort; the pool is gone either way
            }
        } finally {
            signalled.countDown();
        }
    }

    /** Waits (bounded: the grace and some) for a signal's shutdown, running in the shutdown hook, to be over. */
    private void awaitSignalShutdown() {
        try {
            signalled.await(shutdownGrace.toMillis() + 15_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeAndWait() {
        closed = true;
        executor.shutdown();
        try {
            // close() waits for submitted work, unless a signal's shutdown takes over meanwhile
            while (!executor.awaitTermination(100, TimeUnit.MILLISECONDS)) {
                if (interruption != null) {
                    awaitSignalShutdown();
                    return;
                }
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        try {
            runtime.close();
        } catch (RuntimeException ignored) {
            // closing is best effort; the pool is gone either way
        }
    }

    /** Threads lent in place of timed-out tasks that still hold theirs (for tests). */
    int lentThreads() {
        return lent.lent();
    }

    @Override
    public String toString() {
        return "Pool[" + runtime.backend() + " on " + runtime.device() + ", " + workers + " workers]";
    }
}
