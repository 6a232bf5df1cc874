/**
 * The device backends' runtime: one {@link dev.gpupool.device.DeviceSession} per pool and the
 * {@link dev.gpupool.backend.device.DeviceEngine} that batches decoded images through its resizer,
 * and JPEGs through the session's JPEG codec where it has one ({@link dev.gpupool.backend.device.JpegLane}
 * says which).
 * The CUDA and OpenCL providers open a session and wrap it in a
 * {@link dev.gpupool.backend.device.DeviceRuntime}; nothing here names either API.
 */
package dev.gpupool.backend.device;
