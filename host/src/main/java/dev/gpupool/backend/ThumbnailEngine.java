package dev.gpupool.backend;

import dev.gpupool.Backend;
import dev.gpupool.job.ThumbnailRequest;
import dev.gpupool.job.ThumbnailResult;

import java.util.concurrent.CompletableFuture;

/**
 * Where the images of a batch are processed: the pool's backend as seen by the batch runner. One
 * engine per pool, made on first use and closed with the pool.
 */
public interface ThumbnailEngine extends AutoCloseable {
    /** The outcome of one job, and where it really ran (a device may hand an image back to the CPU). */
    record Done(ThumbnailResult result, Backend ranOn) {
    }

    /** Runs one job; the future fails with the one-line reason when the image cannot be done. */
    CompletableFuture<Done> submit(ThumbnailRequest request);

    @Override
    void close();
}
