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

    /**
     * The limit counts from when a thread takes the image; past it the image fails and its thread is
     * interrupted (a read or write in progress stops, so nothing is written late), and the pool
     * lends a thread in its place while the abandoned one is still busy: a decode inside native
     * code (libjpeg-turbo, libwebp) cannot be interrupted and runs to its end, its result unused.
     */
    @Override
    public CompletableFuture<Done> submit(ThumbnailRequest request, java.time.Duration timeout) {
        return pool.submit(() -> new Done(ThumbnailJob.run(request), Backend.CPU_THREADS), timeout);
    }

    @Override
    public void close() {
        // the pool's threads belong to the pool
    }
}
