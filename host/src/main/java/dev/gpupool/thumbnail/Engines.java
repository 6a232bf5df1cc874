package dev.gpupool.thumbnail;

import dev.gpupool.Backend;
import dev.gpupool.BackendUnavailableException;
import dev.gpupool.Pool;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceResizer;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.device.DeviceResizers;

import java.util.List;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;
import dev.gpupool.image.Resampler;

/** Which engine a pool's backend gets. */
final class Engines {
    private Engines() {
    }

    static ThumbnailEngine forPool(Pool pool) {
        return switch (pool.backend()) {
            case CPU_THREADS -> pool.resource(ThreadsEngine.class, () -> new ThreadsEngine(pool));
            case CPU -> pool.resource(ProcessEngine.class, () -> new ProcessEngine(pool.workers(), pool.workerClassPath()));
            case OPENCL, CUDA -> pool.resource(DeviceEngine.class, () -> new DeviceEngine(pool, openDevice(pool), pool.backend()));
            default -> throw new IllegalStateException("no engine for " + pool.backend());
        };
    }

    private static DeviceResizer openDevice(Pool pool) {
        try {
            return DeviceResizers.open(pool.backend(), pool.deviceIndex(), pool.requested() == pool.backend());
        } catch (DeviceException e) {
            throw new BackendUnavailableException(pool.backend().cliName() + " backend failed to start: " + e.getMessage());
        }
    }

    /**
     * One in-memory resize on the pool's backend: on the device for a device pool (the CPU if the
     * device cannot take it), else in this process (an in-memory image never goes to a worker process).
     */
    static PixelBuffer resize(Pool pool, PixelBuffer px, ResampleWeights x, ResampleWeights y) {
        if (pool.backend() == Backend.OPENCL || pool.backend() == Backend.CUDA) {
            DeviceEngine engine = (DeviceEngine) forPool(pool);
            try {
                return engine.resizer().resize(List.of(new ResizeRequest(px, x, y))).getFirst();
            } catch (DeviceException e) {
                return Resampler.resize(px, x, y);
            }
        }
        return Resampler.resize(px, x, y);
    }
}
