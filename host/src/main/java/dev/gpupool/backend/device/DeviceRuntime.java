package dev.gpupool.backend.device;

import dev.gpupool.Pool;
import dev.gpupool.backend.BackendRuntime;
import dev.gpupool.backend.ThumbnailEngine;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceJpeg;
import dev.gpupool.device.DeviceSession;
import dev.gpupool.device.ProbeReport;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;
import dev.gpupool.image.Resampler;
import dev.gpupool.kernel.KernelRunner;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * The runtime of a device backend: the pool's one {@link DeviceSession}, which every device-side
 * client goes through (thumbnails through {@link DeviceEngine}, user kernels, in-memory resizes).
 * Closing it closes the engine, then the session.
 */
public final class DeviceRuntime implements BackendRuntime {
    private final ProbeReport report;
    private final DeviceSession session;
    private DeviceEngine engine; // guarded by this
    private boolean closed;      // guarded by this

    public DeviceRuntime(ProbeReport report, DeviceSession session) {
        this.report = report;
        this.session = session;
    }

    @Override
    public ProbeReport report() {
        return report;
    }

    public DeviceSession session() {
        return session;
    }

    @Override
    public synchronized ThumbnailEngine thumbnails(Pool pool) {
        if (closed) throw new RejectedExecutionException("pool is closed");
        if (engine == null) {
            try {
                engine = new DeviceEngine(pool, session.resizer(), jpegOrNull(), report.backend());
            } catch (DeviceException e) {
                throw new dev.gpupool.BackendUnavailableException(report.backend().cliName() + " backend failed to start: " + e.getMessage());
            }
        }
        return engine;
    }

    /** The session's JPEG codec; none when it has none or it failed to open (the CPU-decode lane does all). */
    private DeviceJpeg jpegOrNull() {
        try {
            return session.jpeg();
        } catch (DeviceException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public KernelRunner kernels() {
        return session.kernels();
    }

    @Override
    public PixelBuffer resize(PixelBuffer src, ResampleWeights x, ResampleWeights y) {
        try {
            return session.resizer().resize(List.of(new ResizeRequest(src, x, y))).getFirst();
        } catch (DeviceException e) {
            return Resampler.resize(src, x, y);
        }
    }

    @Override
    public void close() {
        DeviceEngine e;
        synchronized (this) {
            if (closed) return;
            closed = true;
            e = engine;
        }
        try {
            if (e != null) e.close();
        } finally {
            session.close();
        }
    }
}
