package dev.gpupool.device;

import dev.gpupool.image.PixelBuffer;

import java.util.List;

/**
 * Resizes batches of images on one device. Results equal the CPU reference
 * ({@code dev.gpupool.image.Resampler}) within 1 per channel.
 *
 * <p>Implementations own their device context and may be called from any thread; calls may block
 * while the device is busy. {@link #close()} releases the device.
 */
public interface DeviceResizer extends AutoCloseable {
    /** "OpenCL: NVIDIA H100 80GB HBM3 (NVIDIA CUDA 12.4)" and the like. */
    String deviceName();

    /**
     * Resizes every request, in order. A request the device cannot take (too large for its memory)
     * throws {@link DeviceException} naming it; the caller then runs that image elsewhere.
     */
    List<PixelBuffer> resize(List<ResizeRequest> batch) throws DeviceException;

    /**
     * Whether {@link #resize} applies each request's {@link ResizeRequest#sharpen()} itself (within 1 of
     * {@code dev.gpupool.image.Sharpen}); when false (the default) the results are unsharpened and the caller
     * sharpens them on the CPU.
     */
    default boolean sharpens() {
        return false;
    }

    @Override
    void close();
}
