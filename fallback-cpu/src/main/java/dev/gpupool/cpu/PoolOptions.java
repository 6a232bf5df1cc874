package dev.gpupool.cpu;

import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings behind {@link ProcessPool.Options}, its only subclass, which is all callers see:
 * the builder's setters, their checks, and what the pool and the {@link Prestarter} read from them.
 * Setters return the {@code ProcessPool.Options} they were called on.
 */
abstract class PoolOptions {
    // read by the pool and the prestarter in this package
    final Class<? extends WorkerHandler> handler;
    int workers = Runtime.getRuntime().availableProcessors();
    int threadsPerProcess = 1;
    int expectedTasks;
    List<String> jvmOptions = List.of();
    Duration taskTimeout;
    Duration startTimeout = Duration.ofSeconds(60);
    int maxRestarts = -1;
    boolean startupCache = true;
    List<Path> classPath;
    long memoryBudget; // 0: none (each worker's heap is the JVM's default or the caller's -Xmx)

    PoolOptions(Class<? extends WorkerHandler> handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    private ProcessPool.Options self() {
        return (ProcessPool.Options) this;
    }

    /** Tasks run at once (task threads over all worker processes), at least 1; default: available processors. */
    public ProcessPool.Options workers(int workers) {
        this.workers = atLeast(1, workers, "workers");
        return self();
    }

    /**
     * Task threads per worker process, at least 1; default 1. The pool starts
     * {@code ceil(workers / threadsPerProcess)} processes (fewer where the machine or the work
     * is smaller: see the class documentation). Above 1 the handler must be thread-safe: {@link
     * WorkerHandler#handle} is then called from several threads at once.
     */
    public ProcessPool.Options threadsPerProcess(int threads) {
        this.threadsPerProcess = atLeast(1, threads, "threadsPerProcess");
        return self();
    }

    /**
     * How many tasks the caller will submit, when it knows (a batch of files); 0 (the default)
     * when it does not. The pool starts no more processes than it takes to run that many at once.
     */
    public ProcessPool.Options expectedTasks(int tasks) {
        this.expectedTasks = atLeast(0, tasks, "expectedTasks");
        return self();
    }

    /** Extra JVM options for the workers, after the pool's own (for example {@code -Xmx512m}). */
    public ProcessPool.Options jvmOptions(String... options) {
        return jvmOptions(List.of(options));
    }

    /** Extra JVM options for the workers, after the pool's own (for example {@code -Xmx512m}). */
    public ProcessPool.Options jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return self();
    }

    /** Default time a task may run in its worker; {@code null} (the default) for no limit. */
    public ProcessPool.Options taskTimeout(Duration timeout) {
        this.taskTimeout = checkTimeout(timeout);
        return self();
    }

    /** Time a worker may take from launch to ready before it is killed; default 60 s. */
    public ProcessPool.Options startTimeout(Duration timeout) {
        this.startTimeout = Objects.requireNonNull(checkTimeout(timeout), "startTimeout");
        return self();
    }

    /**
     * Unexpected worker deaths (start failures and crashes, not kills for timeouts or
     * cancellation) allowed in a row, with no task completing in between, before the pool
     * fails; default {@code 2 * workers + 8}.
     */
    public ProcessPool.Options maxRestarts(int maxRestarts) {
        this.maxRestarts = atLeast(0, maxRestarts, "maxRestarts");
        return self();
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
    public ProcessPool.Options startupCache(boolean startupCache) {
        this.startupCache = startupCache;
        return self();
    }

    /**
     * The class path of the worker JVMs (jars and folders holding {@link WorkerMain}, the handler
     * and what it needs); null (the default) to find it: where this JVM loaded those classes from
     * ({@code java.class.path} under a plain {@code java -cp}; the class loader's jars under
     * {@code mvn exec:java} and similar launchers; the module path's jars).
     */
    public ProcessPool.Options classPath(List<Path> classPath) {
        this.classPath = classPath == null ? null : List.copyOf(classPath);
        return self();
    }

    /**
     * A memory budget in bytes for this pool's workers and its host together ({@link MachineBudget}),
     * or 0 (the default) for none. With one, fewer processes start where the budget cannot hold them,
     * and each worker gets its share as its heap ({@code -Xmx}) and decode budget, unless the caller's
     * {@link #jvmOptions} set {@code -Xmx} (then the caller decides).
     */
    public ProcessPool.Options memoryBudget(long bytes) {
        if (bytes != 0 && bytes < MachineBudget.MIN_TOTAL) {
            throw new IllegalArgumentException("memoryBudget must be 0 or >= " + MachineBudget.MIN_TOTAL + ": " + bytes);
        }
        this.memoryBudget = bytes;
        return self();
    }

    /** Throws IllegalArgumentException unless the handler can be created by {@link WorkerMain}. */
    void checkHandler() {
        Class<? extends WorkerHandler> h = handler;
        if (!Modifier.isPublic(h.getModifiers()) || Modifier.isAbstract(h.getModifiers())
                || (h.getEnclosingClass() != null && !Modifier.isStatic(h.getModifiers()))) {
            throw new IllegalArgumentException("handler must be a public, concrete, top-level or static class: " + h.getName());
        }
        try {
            h.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("handler has no public no-arg constructor: " + h.getName());
        }
    }

    WorkerClassPath workerClassPath() {
        return classPath != null ? WorkerClassPath.of(classPath) : WorkerClassPath.discover(handler);
    }

    PoolShape shape(PoolShape.Machine machine) {
        PoolShape.Machine m = machine;
        if (memoryBudget > 0) { // the workers' part of the budget, when it is less than what is free now
            m = new PoolShape.Machine(machine.cores(), Math.min(machine.usableMemory(), MachineBudget.forWorkers(memoryBudget)));
        }
        return PoolShape.of(workers, threadsPerProcess, expectedTasks, m,
                PoolShape.processNeed(jvmOptions, threadsPerProcess));
    }

    /**
     * The JVM options a worker of a pool of this {@code shape} starts with: the caller's, then, under
     * a {@link #memoryBudget} and unless the caller set {@code -Xmx}, the worker's share as {@code -Xmx}
     * and decode budget ({@link MachineBudget.Division#workerOptions}).
     */
    List<String> workerJvmOptions(PoolShape shape) {
        if (memoryBudget <= 0 || jvmOptions.stream().anyMatch(o -> o.startsWith("-Xmx"))) return jvmOptions;
        List<String> all = new java.util.ArrayList<>(jvmOptions);
        all.addAll(MachineBudget.divide(memoryBudget, shape.processes()).workerOptions());
        return List.copyOf(all);
    }

    private static int atLeast(int min, int value, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ": " + value);
        }
        return value;
    }

    static Duration checkTimeout(Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return timeout;
    }
}
