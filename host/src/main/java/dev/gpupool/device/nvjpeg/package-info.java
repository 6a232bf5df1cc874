/**
 * NVIDIA's nvJPEG bound through the FFM API: finding the library (it ships with the CUDA toolkit,
 * not the driver), its version, and thin status-checked calls for batched decoding into device
 * memory and encoding from it. No CUDA context or thread policy lives here: the CUDA session's
 * GPU codec ({@code dev.gpupool.device.cuda.CudaJpeg}) makes every call on its device thread.
 */
package dev.gpupool.device.nvjpeg;
