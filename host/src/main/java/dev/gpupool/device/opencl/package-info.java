/**
 * The OpenCL backend, through JOCL: {@link dev.gpupool.device.opencl.OpenClProbe} lists every
 * platform and device and says which are usable (GPUs always; CPU devices such as PoCL only when
 * OpenCL is asked for by name); {@link dev.gpupool.device.opencl.OpenClProvider} opens the chosen
 * device's {@link dev.gpupool.device.opencl.OpenClSession}, the pool's one context, whose clients are
 * {@link dev.gpupool.device.opencl.OpenClResizer} (the batched two-pass resize of
 * {@code kernels/resize.cl}) and the user-kernel runner. A batch is packed into a few large
 * launches (images and weight tables concatenated, one work item per output pixel, a per-image
 * descriptor table), split into chunks that alternate between two command queues with their own
 * reusable device buffers, so that one chunk's transfers overlap the other's kernels. Program
 * binaries are cached on disk per device, driver and source hash. JOCL exceptions are switched on
 * globally ({@code CL.setExceptionsEnabled(true)}), which affects any other JOCL user in the process;
 * every entry point here catches them and turns them into a report or a
 * {@link dev.gpupool.device.DeviceException}.
 */
package dev.gpupool.device.opencl;
