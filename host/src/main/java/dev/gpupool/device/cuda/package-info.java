/**
 * The CUDA backend, through JCuda's driver API only. {@link dev.gpupool.device.cuda.CudaProbe} finds
 * devices through the FFM API (no JNI library is loaded on a machine without the driver);
 * {@link dev.gpupool.device.cuda.CudaProvider} then opens the chosen device's
 * {@link dev.gpupool.device.cuda.CudaSession}: one platform thread that owns the pool's one context
 * and makes every CUDA call, the module cache, and the device and pinned memory. Its clients are the
 * batched two-pass resize ({@link dev.gpupool.device.cuda.CudaResizer}: {@code kernels/resize.ptx},
 * chunks packed with the shared {@link dev.gpupool.device.BatchLayout} and rotated over three streams
 * so uploads, kernels and downloads overlap), the JPEG codec (CudaJpeg: nvJPEG's hardware decoder
 * into device memory, the resize and orientation kernels, nvJPEG's encoder, two batches in flight in
 * CudaJpegSlots), user kernels (CudaKernelRunner) and the bandwidth check
 * ({@link dev.gpupool.device.cuda.CudaBandwidth}). A poisoned context is replaced by the session;
 * its clients rebuild their handles in the new one.
 */
package dev.gpupool.device.cuda;
