package dev.gpupool.backend.cpu;

import dev.gpupool.Pool;
import dev.gpupool.backend.BackendRuntime;
import dev.gpupool.backend.ThumbnailEngine;
import dev.gpupool.device.ProbeReport;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;
import dev.gpupool.image.Resampler;
import dev.gpupool.kernel.KernelRunner;

import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;

/**
 * The runtime of a CPU backend: no device, so user kernels run their Java fallback and in-memory
 * resizes run here; the thumbnail engine is made on first use (a {@code cpu} pool that only runs
 * plain tasks never starts a worker process). When the {@code cpu} engine finds that worker
 * processes cannot start here, the runtime's report becomes {@code cpu-threads}, so the pool, the
 * report and the summary all say where the work really runs.
 */
final class CpuRuntime implements BackendRuntime {
    /** What an engine factory made: the engine, and why the {@code cpu} backend's worker processes could not run (null when they do). */
    record Made(ThumbnailEngine engine, String fallbackReason) {
    }

    private volatile ProbeReport report; // replaced once if a cpu engine falls back to threads
    private final BiFunction<Pool, Integer, Made> engineFactory; // the pool, and the images expected (0: unknown)
    private volatile ThumbnailEngine engine; // written under this; shutdown() reads it without the lock
    private boolean closed;         // guarded by this
    private volatile String stopReason; // set by shutdown(): an engine made afterwards stops at once

    CpuRuntime(ProbeReport report, BiFunction<Pool, Integer, Made> engineFactory) {
        this.report = report;
        this.engineFactory = engineFactory;
    }

    @Override
    public ProbeReport report() {
        return report;
    }

    @Override
    public ThumbnailEngine thumbnails(Pool pool) {
        return thumbnails(pool, 0);
    }

    /**
     * The engine, made for {@code expectedTasks} images on the first call (the {@code cpu} engine starts
     * no more worker processes than they need; later batches of the pool share those). Once made, the
     * report's device says what really started ("1 worker process, 3 threads"), not what was foreseen.
     */
    @Override
    public synchronized ThumbnailEngine thumbnails(Pool pool, int expectedTasks) {
        if (closed) throw new RejectedExecutionException("pool is closed");
        if (engine == null) {
            Made started = engineFactory.apply(pool, Math.max(0, expectedTasks));
            engine = started.engine();
            String stop = stopReason;
            if (stop != null) { // a signal came while the engine started (which holds this lock)
                engine.shutdown(java.time.Duration.ZERO, stop);
                throw new dev.gpupool.cpu.PoolStoppedException(stop);
            }
            String why = started.fallbackReason();
            if (why != null) { // worker JVMs cannot start here: the pool's threads do the work
                report = new ProbeReport(dev.gpupool.Backend.CPU_THREADS, true,
                        CpuThreadsProvider.describe(pool.workers()) + " (" + why + ")", "usable (" + why + ")", report.details());
            } else if (engine instanceof ProcessEngine p) {
                report = new ProbeReport(report.backend(), report.usable(), p.describe(), report.reason(), report.details());
            }
        }
        return engine;
    }

    @Override
    public KernelRunner kernels() {
        return null;
    }

    @Override
    public PixelBuffer resize(PixelBuffer src, ResampleWeights x, ResampleWeights y) {
        return Resampler.resize(src, x, y);
    }

    /** Stops the engine within the grace, without the lock: the engine may be starting under it. */
    @Override
    public void shutdown(java.time.Duration grace, String reason) {
        stopReason = reason;
        ThumbnailEngine e = engine;
        if (e != null) e.shutdown(grace, reason);
    }

    @Override
    public void close() {
        ThumbnailEngine e;
        synchronized (this) {
            if (closed) return;
            closed = true;
            e = engine;
        }
        if (e != null) e.close();
    }
}
