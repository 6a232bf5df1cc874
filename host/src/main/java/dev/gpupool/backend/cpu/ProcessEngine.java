package dev.gpupool.backend.cpu;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.cpu.ProcessPool;
import dev.gpupool.cpu.WorkerStartException;
import dev.gpupool.backend.ThumbnailEngine;
import dev.gpupool.job.ThumbnailRequest;
import dev.gpupool.job.ThumbnailResult;
import dev.gpupool.job.ThumbnailWorkerHandler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code cpu} backend: each image whole in a worker JVM ({@link ThumbnailWorkerHandler}), so a
 * crash in a native decoder costs a worker process and a retry, not the batch. Workers get their
 * share of the machine's memory budget ({@link dev.gpupool.cpu.MachineBudget}) as heap and decode budget.
 *
 * <p>Where worker JVMs cannot start (no class path can be built for them, as in a Spring Boot fat
 * jar; or the first worker exits before it is ready, as with a wrong class path), {@link #start}
 * does not fail every image: it says why in one line on standard error and hands back the pool's
 * own threads ({@link ThreadsEngine}, {@code cpu-threads}), without the crash isolation. The
 * decision is made once, before the first image, by waiting for the first worker to be ready
 * (which the first image would wait for anyway).
 */
public final class ProcessEngine implements ThumbnailEngine {
    /**
     * Task threads per worker JVM. Each JVM costs a start-up and its own JIT warm-up (on 2 cores, a
     * second worker JVM cost about 0.2 s of CPU over 42 photos, a tenth of the job); sharing a JVM
     * costs a crash's retries: the other tasks of a crashed process run again, alone. Four keeps that
     * blast radius small on many-core machines; on 2 to 4 cores it means one worker process.
     */
    public static final int CPU_THREADS_PER_PROCESS = 4;

    private final ProcessPool processes;

    private ProcessEngine(ProcessPool processes) {
        this.processes = processes;
    }

    /**
     * The {@code cpu} engine for {@code pool}: worker processes on {@code classPath} (null: found, see
     * {@link ProcessPool.Options#classPath}), once the first one is ready; where none can start, the
     * pool's own threads ({@link ThreadsEngine}) and the reason, said once on standard error. With
     * {@code expectedTasks} images (0: unknown) it starts no more worker processes than they need
     * ({@link ProcessPool.Options#expectedTasks}), and says so in one line when that is fewer than asked.
     */
    static CpuRuntime.Made start(Pool pool, List<Path> classPath, int expectedTasks) {
        ProcessPool processes = null;
        try {
            processes = ProcessPool.start(options(pool.workers()).classPath(classPath).expectedTasks(expectedTasks));
            processes.awaitStarted();
        } catch (WorkerStartException e) {
            if (e.noWorkerStarted()) {
                if (processes != null) processes.closeNow();
                System.err.println("gpupool: " + e.getMessage() + "; running on " + CpuThreadsProvider.describe(pool.workers()) + " instead");
                return new CpuRuntime.Made(new ThreadsEngine(pool), e.getMessage());
            } // else the handler itself cannot start: every image fails with that reason, as it would on threads
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the pool goes on starting; images wait for it
        }
        return new CpuRuntime.Made(new ProcessEngine(processes), null);
    }

    private static ProcessPool.Options options(int workers) {
        ProcessPool.Options options = ProcessPool.Options.of(ThumbnailWorkerHandler.class).workers(workers)
                .threadsPerProcess(CPU_THREADS_PER_PROCESS)
                .memoryBudget(dev.gpupool.cpu.MachineBudget.forProcessPool()); // each worker's heap and decode budget: its share
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
        return submit(request, null);
    }

    /** The limit counts from when a worker takes the image; past it the worker is killed and replaced. */
    @Override
    public CompletableFuture<Done> submit(ThumbnailRequest request, java.time.Duration timeout) {
        Spool.Spooled spooled = Spool.of(request); // bytes in memory go to the worker as a file, not through its pipe
        return processes.submit(spooled.request().toBytes(), timeout).thenApply(bytes -> {
            try {
                return new Done(ThumbnailResult.fromBytes(bytes), Backend.CPU);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("garbled worker response", e);
            }
        }).whenComplete((d, e) -> spooled.delete());
    }

    /** A file in the spool folder: a fetched body written there skips this heap and the copy {@link Spool#of} makes. */
    @Override
    public Path bodyFile() {
        return Spool.newFile();
    }

    @Override
    public void discard(Path bodyFile) {
        Spool.discard(bodyFile);
    }

    /** "1 worker process, 2 threads". */
    public String describe() {
        return processes.describe();
    }

    @Override
    public void close() {
        processes.close();
    }

    /** The worker processes' own graceful stop: see {@link ProcessPool#shutdown}. */
    @Override
    public void shutdown(java.time.Duration grace, String reason) {
        processes.shutdown(grace, reason);
    }
}
