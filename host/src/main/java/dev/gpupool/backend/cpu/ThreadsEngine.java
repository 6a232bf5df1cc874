package dev.gpupool.backend.cpu;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.backend.ThumbnailEngine;
import dev.gpupool.job.ThumbnailJob;
import dev.gpupool.job.ThumbnailRequest;

import java.util.concurrent.CompletableFuture;

/** Every job whole on the pool's threads in this process: no start-up cost, no isolation. */
final class ThreadsEngine implements ThumbnailEngine {
    private final Pool pool;

    ThreadsEngine(Pool pool) {
        this.pool = pool;
    }

    @Override
    public CompletableFuture<Done> submit(ThumbnailRequest request) {
        return pool.submit(() -> new Done(ThumbnailJob.run(request), Backend.CPU_THREADS));
    }

    @Override
    public void close() {
        // the pool's threads belong to the pool
    }
}
