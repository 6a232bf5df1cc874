package dev.gpupool.thumbnail;

import dev.gpupool.Pool;
import dev.gpupool.backend.ThumbnailEngine;

/**
 * What a batch sees of its pool's engine ({@link Thumbnailer}): every image given the batch's time
 * limit, and, where a signal stopped the pool before the batch began, an engine that fails every
 * image with the signal's reason, so that the batch still reports each input instead of throwing.
 */
final class BatchEngines {
    private BatchEngines() {
    }

    /**
     * The pool's engine; where a signal stopped the pool before the batch began, one that fails every
     * image with the reason ({@code interrupted by SIGTERM}), so the batch still reports each input.
     */
    static ThumbnailEngine stoppedOr(Pool pool, int expectedTasks) {
        try {
            return pool.runtime().thumbnails(pool, expectedTasks);
        } catch (dev.gpupool.cpu.PoolStoppedException e) {
            return new ThumbnailEngine() {
                @Override
                public java.util.concurrent.CompletableFuture<Done> submit(dev.gpupool.job.ThumbnailRequest request) {
                    return java.util.concurrent.CompletableFuture.failedFuture(e);
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** {@code engine} with every image given {@code timeout} ({@link ThumbnailEngine#submit(dev.gpupool.job.ThumbnailRequest, java.time.Duration)}). */
    static ThumbnailEngine limited(ThumbnailEngine engine, java.time.Duration timeout) {
        return new ThumbnailEngine() {
            @Override
            public java.util.concurrent.CompletableFuture<Done> submit(dev.gpupool.job.ThumbnailRequest request) {
                return engine.submit(request, timeout);
            }

            @Override
            public java.nio.file.Path bodyFile() {
                return engine.bodyFile();
            }

            @Override
            public void discard(java.nio.file.Path bodyFile) {
                engine.discard(bodyFile);
            }

            @Override
            public void close() {
                // the engine is the pool's
            }
        };
    }
}
