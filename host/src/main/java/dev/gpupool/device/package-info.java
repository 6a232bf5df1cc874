/**
 * What every device backend shares: the {@link dev.gpupool.device.DeviceSession} a pool holds on one
 * device, the {@link dev.gpupool.device.DeviceResizer} that applies the shared
 * {@link dev.gpupool.image.ResampleWeights} to batches on it, the {@link dev.gpupool.device.DeviceJpeg}
 * codec a session may offer (decode, resize and encode JPEGs on the device), the chunk layout the kernels read
 * ({@link dev.gpupool.device.BatchLayout}), and the {@link dev.gpupool.device.SelfCheck} a probe runs
 * before it calls a device usable. The CPU implementation in {@code fallback-cpu} is the reference
 * every device is tested against.
 */
package dev.gpupool.device;
