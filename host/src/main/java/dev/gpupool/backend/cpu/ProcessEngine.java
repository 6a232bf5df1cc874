package dev.gpupool.backend.cpu;

import dev.gpupool.Backend;
import dev.gpupool.cpu.ProcessPool;
import dev.gpupool.backend.ThumbnailEngine;
import dev.gpupool.job.ThumbnailRequest;
import dev.gpupool.job.ThumbnailResult;
import dev.gpupool.job.ThumbnailWorkerHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code cpu} backend: each image whole in a worker JVM ({@link ThumbnailWorkerHandler}), so a
 * crash in a native decoder costs a worker process and a retry, not the batch. Workers inherit this
 * JVM's heap limit.
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

    ProcessEngine(int workers) {
        this.processes = ProcessPool.start(options(workers));
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
        return processes.submit(request.toBytes()).thenApply(bytes -> {
            try {
                return new Done(ThumbnailResult.fromBytes(bytes), Backend.CPU);
            } catch (IOException e) {
                throw new UncheckedIOException("garbled worker response", e);
            }
        });
    }

    public String describe() {
        return processes.describe();
    }

    @Override
    public void close() {
        processes.close();
    }
}
