package dev.gpupool.backend.cpu;

import dev.gpupool.Backend;
import dev.gpupool.cpu.ProcessPool;
import dev.gpupool.cpu.WorkerStartException;
import dev.gpupool.backend.ThumbnailEngine;
import dev.gpupool.job.ThumbnailJob;
import dev.gpupool.job.ThumbnailRequest;
import dev.gpupool.job.ThumbnailResult;
import dev.gpupool.job.ThumbnailWorkerHandler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code cpu} backend: each image whole in a worker JVM ({@link ThumbnailWorkerHandler}), so a
 * crash in a native decoder costs a worker process and a retry, not the batch. Workers inherit this
 * JVM's heap limit.
 *
 * <p>Where worker JVMs cannot start (no class path can be built for them, as in a Spring Boot fat
 * jar; or the first worker exits before it is ready, as with a wrong class path), the engine does
 * not fail every image: it says why in one line on standard error and in {@link #describe()}, and
 * runs the images on {@code workers} threads in this process ({@code cpu-threads}), without the
 * crash isolation. The decision is made once, before the first image, by waiting for the first
 * worker to be ready (which the first image would wait for anyway).
 */
public final class ProcessEngine implements ThumbnailEngine {
    /**
     * Task threads per worker JVM. Each JVM costs a start-up and its own JIT warm-up (on 2 cores, a
     * second worker JVM cost about 0.2 s of CPU over 42 photos, a tenth of the job); sharing a JVM
     * costs a crash's retries: the other tasks of a crashed process run again, alone. Four keeps that
     * blast radius small on many-core machines; on 2 to 4 cores it means one worker process.
     */
    public static final int CPU_THREADS_PER_PROCESS = 4;

    private final int workers;
    private final ProcessPool processes;    // null when worker processes cannot start here
    private final String fallbackReason;    // why they cannot, or null
    private final ExecutorService threads;  // the fallback's threads, or null

    ProcessEngine(int workers) {
        this(workers, null);
    }

    /** {@code classPath}: the workers' class path, or null to find it (see {@link ProcessPool.Options#classPath}). */
    ProcessEngine(int workers, List<Path> classPath) {
        this.workers = workers;
        ProcessPool pool = null;
        String why = null;
        try {
            pool = ProcessPool.start(options(workers).classPath(classPath));
            pool.awaitStarted();
        } catch (WorkerStartException e) {
            if (e.noWorkerStarted()) {
                why = e.getMessage();
            } // else the handler itself cannot start: every image fails with that reason, as it would here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the pool goes on starting; images wait for it
        }
        if (why != null && pool != null) {
            pool.closeNow();
            pool = null;
        }
        this.processes = pool;
        this.fallbackReason = why;
        if (why != null) {
            AtomicInteger n = new AtomicInteger();
            this.threads = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "gpupool-cpu-fallback-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            System.err.println("gpupool: " + why + "; running on " + threadsText(workers) + " in this process instead");
        } else {
            this.threads = null;
        }
    }

    private static String threadsText(int workers) {
        return workers + (workers == 1 ? " thread" : " threads");
    }

    private static ProcessPool.Options options(int workers) {
        ProcessPool.Options options = ProcessPool.Options.of(ThumbnailWorkerHandler.class).workers(workers)
                .threadsPerProcess(CPU_THREADS_PER_PROCESS);
        String crashOn = System.getProperty(ThumbnailWorkerHandler.CRASH_ON);
        if (crashOn != null) options.jvmOptions("-D" + ThumbnailWorkerHandler.CRASH_ON + "=" + crashOn); // tests only
        return options;
    }

    /**
     * Starts the first worker JVM of a {@code cpu} engine with {@code workers} now, for a command
     * line that has not parsed its options yet: the engine adopts it (see {@link ProcessPool#prestart}).
     */
    public static void prestart(int workers) {
        ProcessPool.prestart(options(workers));
    }

    /** Ends a {@link #prestart}ed worker JVM that the job will not use. */
    public static void cancelPrestart() {
        ProcessPool.cancelPrestart();
    }

    @Override
    public CompletableFuture<Done> submit(ThumbnailRequest request) {
        if (threads != null) {
            CompletableFuture<Done> done = new CompletableFuture<>();
            threads.execute(() -> {
                try {
                    done.complete(new Done(ThumbnailJob.run(request), Backend.CPU_THREADS));
                } catch (Throwable e) { // as on ThreadsEngine: the image's own failure, reported as such
                    done.completeExceptionally(e);
                }
            });
            return done;
        }
        return processes.submit(request.toBytes()).thenApply(bytes -> {
            try {
                return new Done(ThumbnailResult.fromBytes(bytes), Backend.CPU);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("garbled worker response", e);
            }
        });
    }

    /** Why worker processes cannot start here ("worker processes cannot start here: ..."), or null when they run. */
    public String fallbackReason() {
        return fallbackReason;
    }

    /** "1 worker process, 2 threads", or "2 threads in this process (worker processes cannot start here: ...)". */
    public String describe() {
        if (fallbackReason != null) return threadsText(workers) + " in this process (" + fallbackReason + ")";
        return processes.describe();
    }

    @Override
    public void close() {
        if (processes != null) processes.close();
        if (threads != null) threads.shutdown();
    }
}
