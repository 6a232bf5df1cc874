/**
 * Device backends and their probes. A {@link dev.gpupool.device.BackendProbe} says whether a backend
 * can run here and why not; a {@link dev.gpupool.device.DeviceResizer} applies the shared
 * {@link dev.gpupool.image.ResampleWeights} to batches of images on a device. The CPU implementation
 * in {@code fallback-cpu} is the reference every device is tested against.
 */
package dev.gpupool.device;
