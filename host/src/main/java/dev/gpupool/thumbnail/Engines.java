package dev.gpupool.thumbnail;

import dev.gpupool.Pool;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;
import dev.gpupool.image.Resampler;

/** Which engine a pool's backend gets. */
final class Engines {
    private Engines() {
    }

    static ThumbnailEngine forPool(Pool pool) {
        return switch (pool.backend()) {
            case CPU_THREADS, CPU -> pool.resource(ThreadsEngine.class, () -> new ThreadsEngine(pool));
            default -> throw new IllegalStateException("no engine for " + pool.backend());
        };
    }

    /** One in-memory resize on the pool's backend. */
    static PixelBuffer resize(Pool pool, PixelBuffer px, ResampleWeights x, ResampleWeights y) {
        return Resampler.resize(px, x, y);
    }
}
