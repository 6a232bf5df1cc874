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
     * The device's JPEG codec, or null when this device (or its libraries) cannot decode JPEGs; then
     * {@link #jpegStatus()} says why. Made on first use.
     */
    default DeviceJpeg jpeg() throws DeviceException {
        return null;
    }

    /** One line for {@code gpupool devices}: the JPEG codec in use (library, version, decoder), or why there is none. */
    default String jpegStatus() {
        return "JPEG decoding on the device: off (this backend has no device JPEG decoder; images are decoded on CPU threads)";
    }

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
