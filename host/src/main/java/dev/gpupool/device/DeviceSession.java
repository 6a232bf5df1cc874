package dev.gpupool.device;

import dev.gpupool.kernel.KernelRunner;

/**
 * A pool's one session on one device: for CUDA the owning thread, the context, streams, the module
 * cache and device and pinned memory; for OpenCL the context, the program cache and buffers. The
 * resizer and the kernel runner are its clients, made on first use and closed with it; they never
 * own a context. The probe that found the device opened the session and proved it (memory
 * allocated, a kernel run and checked); the pool then uses that same session.
 */
public interface DeviceSession extends AutoCloseable {
    /** "CUDA: NVIDIA H100 80GB HBM3 (compute 9.0)" and the like. */
    String deviceName();

    /** The batched resize on this device (one per session). */
    DeviceResizer resizer() throws DeviceException;

    /** User kernels on this device (one runner per session). */
    KernelRunner kernels();

    /**
     * What {@code gpupool selftest} prints about the device beyond the resize: measured limits such as
     * copy bandwidth ("limits: pinned host->device 24.1 GB/s, ..."). Measures; may take a second.
     */
    default java.util.List<String> limits() throws DeviceException {
        return java.util.List.of();
    }

    /** Releases the clients, then the device; idempotent. */
    @Override
    void close();
}
