package dev.gpupool.backend;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.device.ProbeReport;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;
import dev.gpupool.kernel.KernelRunner;

/**
 * A pool's open backend. It owns what the backend needs (for a device, its one device session; for
 * the {@code cpu} backend, the worker processes) and hands out the clients that use it. One runtime
 * per pool, opened by the probe that chose it and closed by the pool, after the pool's tasks.
 * Implementations are thread-safe.
 */
public interface BackendRuntime extends AutoCloseable {
    /** What the probe found: backend, device, reason, details. */
    ProbeReport report();

    default Backend backend() {
        return report().backend();
    }

    default String device() {
        return report().device();
    }

    /** The engine that makes {@code pool}'s thumbnails: made on first call, then the same one. */
    ThumbnailEngine thumbnails(Pool pool);

    /**
     * As {@link #thumbnails(Pool)}, told that the batch asking has {@code expectedTasks} images (0: not
     * known), so that an engine made now starts no more than they need: the {@code cpu} backend starts
     * no more worker JVMs than there are images ({@code -j 10000} for 29 images once started 132 JVMs and
     * was ended by the kernel's out-of-memory killer). An engine made earlier is kept as it is.
     */
    default ThumbnailEngine thumbnails(Pool pool, int expectedTasks) {
        return thumbnails(pool);
    }

    /** Runs user kernels on this backend's device; null when it has none (the Java fallback runs). */
    KernelRunner kernels();

    /** One in-memory resize on this backend (on the CPU when a device cannot take it). */
    PixelBuffer resize(PixelBuffer src, ResampleWeights x, ResampleWeights y);

    /** Releases everything; idempotent. */
    @Override
    void close();

    /**
     * Stops within {@code grace}, as a signal asks (the pool's shutdown hook calls it, then {@link
     * #close()}): work not started fails at once, running work may finish for up to the grace, and
     * what still runs then fails with a {@link dev.gpupool.cpu.PoolStoppedException} saying {@code
     * reason}. Default: {@link #close()}, for backends whose running work ends soon by itself.
     */
    default void shutdown(java.time.Duration grace, String reason) {
        close();
    }
}
